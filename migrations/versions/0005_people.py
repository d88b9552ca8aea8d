"""several people in one diary: person.removed_at, change.person_id, person_setting

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 03:05:00

Adds columns and a table; no existing value changes. Existing changes keep person_id NULL
("the diary as a whole"): in a diary of one person that is the same as theirs, and a person
added later can still undo nothing of theirs they did not make.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_change_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_change_person_id_person"),
            "person",
            ["person_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "person_setting",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_setting_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "key", name=op.f("pk_person_setting")),
    )


def downgrade() -> None:
    op.drop_table("person_setting")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_change_person_id_person"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_change_person_id"))
        batch_op.drop_column("person_id")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
