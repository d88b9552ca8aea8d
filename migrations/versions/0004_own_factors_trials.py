"""own factors and their daily values, self-trials; an index on day_shoe.shoe_id

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:07:02

New tables only, and one index: no existing row changes. The CHECK constraints keep a hand
edit from storing a factor kind or a trial shape the code cannot read.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("exposed_below", sa.Float(), nullable=True),
        sa.Column("exposed_above", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_factor_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factor")),
        sa.UniqueConstraint("person_id", "name", name=op.f("uq_factor_person_id_name")),
        sa.UniqueConstraint("uid", name=op.f("uq_factor_uid")),
        sa.CheckConstraint("kind IN ('yesno', 'number')", name=op.f("ck_factor_kind")),
    )
    op.create_table(
        "day_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("factor_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["day_id"], ["day.id"], name=op.f("fk_day_factor_day_id_day"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["factor_id"],
            ["factor.id"],
            name=op.f("fk_day_factor_factor_id_factor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_factor")),
        sa.UniqueConstraint("day_id", "factor_id", name=op.f("uq_day_factor_day_id_factor_id")),
        sa.UniqueConstraint("uid", name=op.f("uq_day_factor_uid")),
    )
    with op.batch_alter_table("day_factor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_factor_day_id"), ["day_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_day_factor_factor_id"), ["factor_id"], unique=False)

    op.create_table(
        "trial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("factor_id", sa.Integer(), nullable=True),
        sa.Column("builtin", sa.String(length=40), nullable=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("washout_days", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("arms", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["factor_id"], ["factor.id"], name=op.f("fk_trial_factor_id_factor")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_trial_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trial")),
        sa.UniqueConstraint("uid", name=op.f("uq_trial_uid")),
        sa.CheckConstraint(
            "pairs >= 1 AND period_days >= 1 AND washout_days >= 0 AND washout_days < period_days",
            name=op.f("ck_trial_shape"),
        ),
    )
    with op.batch_alter_table("day_shoe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_shoe_shoe_id"), ["shoe_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("day_shoe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_shoe_shoe_id"))

    op.drop_table("trial")
    with op.batch_alter_table("day_factor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_factor_factor_id"))
        batch_op.drop_index(batch_op.f("ix_day_factor_day_id"))

    op.drop_table("day_factor")
    op.drop_table("factor")
