"""a stable uid on every diary row; day.steps and day.sources for health-app imports

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00

Existing rows get a fresh random uid each. The NOT NULL and UNIQUE constraints need a batch
rebuild of every table, `person` included: env.py runs it with foreign keys off and checks
them after, so no child row can cascade away.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('person', 'episode', 'night', 'day', 'shoe', 'medication', 'medication_alias', 'dose')


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('uid', sa.String(length=36), nullable=True))
        rows = sa.table(table, sa.column('id', sa.Integer), sa.column('uid', sa.String))
        ids = [row[0] for row in bind.execute(sa.select(rows.c.id))]
        for row_id in ids:
            bind.execute(
                sa.update(rows).where(rows.c.id == row_id).values(uid=str(uuid.uuid4()))
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('uid', existing_type=sa.String(length=36), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_uid'), ['uid'])
    with op.batch_alter_table('day', schema=None) as batch_op:
        batch_op.add_column(sa.Column('steps', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sources', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('day', schema=None) as batch_op:
        batch_op.drop_column('sources')
        batch_op.drop_column('steps')
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_uid'), type_='unique')
            batch_op.drop_column('uid')
