"""The targets the registry counts itself say how (data only).

Revision ID: 5b1f0c2d7e40
Revises: bc2e09c6a021
"""
from alembic import op
import sqlalchemy as sa

revision = '5b1f0c2d7e40'
down_revision = 'bc2e09c6a021'
branch_labels = None
depends_on = None

COUNTED = ('supported_projects', 'startups', 'pvp_growth', 'conserved_resources',
           'dna_barcoded_resources')


def upgrade():
    targets = sa.table('targets', sa.column('code', sa.String), sa.column('measure', sa.String))
    for code in COUNTED:
        op.execute(targets.update().where(targets.c.code == code).values(measure=code))


def downgrade():
    pass  # the column goes with the previous migration's downgrade
