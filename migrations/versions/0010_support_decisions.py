"""Support decisions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:41:05.187404

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('signer', sa.String(length=200), nullable=False),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_vnd >= 0', name=op.f('ck_support_decisions_amount_vnd')),
    sa.CheckConstraint('period_end IS NULL OR period_start IS NULL OR period_end >= period_start', name=op.f('ck_support_decisions_period')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_support_decisions_application_id_applications')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_support_decisions_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_support_decisions_application_id')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_support_decisions_stored_name'))
    )
    with op.batch_alter_table('support_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_decisions_decided_on'), ['decided_on'], unique=False)



def downgrade():
    with op.batch_alter_table('support_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_decisions_decided_on'))

    op.drop_table('support_decisions')
