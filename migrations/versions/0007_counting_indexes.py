"""Indexes for counting against the targets

Revision ID: 5634797a7567
Revises: d82111b34484
"""
from alembic import op

revision = '5634797a7567'
down_revision = 'd82111b34484'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index('ix_application_events_action_at', ['action', 'at'], unique=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_status_kind_approved_on',
                              ['status', 'kind', 'approved_on'], unique=False)
        batch_op.drop_index('ix_applications_status_kind')


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_status_kind', ['status', 'kind'], unique=False)
        batch_op.drop_index('ix_applications_status_kind_approved_on')
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index('ix_application_events_action_at')
