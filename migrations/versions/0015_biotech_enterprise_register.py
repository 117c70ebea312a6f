"""The register of biotech enterprises

Enterprises of the province's biotech industry (name, tax code, field, commune or ward, the
applicant organisation they are, if any), edited with optimistic locking; their yearly figures
(investment capital, revenue, revenue from products replacing imports, each with its source) and
the value of the biotech products imported in 2023, both append-only. The plan's growth and
import-substitution targets are computed from them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 01:34:18

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('biotech_enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('search_name', sa.String(length=300), nullable=False),
    sa.Column('tax_code', sa.String(length=14), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('in_register_since', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("field IN ('agriculture', 'health', 'environment', 'industry_trade', 'security_defense')", name=op.f('ck_biotech_enterprises_field')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_biotech_enterprises_version_positive')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_biotech_enterprises_commune_id_communes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_biotech_enterprises_created_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_biotech_enterprises_organization_id_organizations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_biotech_enterprises_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_biotech_enterprises')),
    sa.UniqueConstraint('tax_code', name=op.f('uq_biotech_enterprises_tax_code'))
    )
    with op.batch_alter_table('biotech_enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_biotech_enterprises_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_biotech_enterprises_organization_id'), ['organization_id'], unique=False)

    op.create_table('import_baselines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value_vnd', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('value_vnd > 0', name=op.f('ck_import_baselines_value_positive')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_import_baselines_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_baselines'))
    )
    op.create_table('enterprise_year_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('investment_vnd', sa.BigInteger(), nullable=False),
    sa.Column('revenue_vnd', sa.BigInteger(), nullable=False),
    sa.Column('import_replacing_revenue_vnd', sa.BigInteger(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('import_replacing_revenue_vnd IS NULL OR (import_replacing_revenue_vnd >= 0 AND import_replacing_revenue_vnd <= revenue_vnd)', name=op.f('ck_enterprise_year_figures_import_within_revenue')),
    sa.CheckConstraint('investment_vnd >= 0 AND revenue_vnd >= 0', name=op.f('ck_enterprise_year_figures_amounts_not_negative')),
    sa.CheckConstraint('year >= 2023', name=op.f('ck_enterprise_year_figures_from_base_year')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_enterprise_year_figures_entered_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['biotech_enterprises.id'], name=op.f('fk_enterprise_year_figures_enterprise_id_biotech_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_year_figures'))
    )
    with op.batch_alter_table('enterprise_year_figures', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_year_figures_enterprise_year', ['enterprise_id', 'year'], unique=False)



def downgrade():
    with op.batch_alter_table('enterprise_year_figures', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_year_figures_enterprise_year')

    op.drop_table('enterprise_year_figures')
    op.drop_table('import_baselines')
    with op.batch_alter_table('biotech_enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_biotech_enterprises_organization_id'))
        batch_op.drop_index(batch_op.f('ix_biotech_enterprises_commune_id'))

    op.drop_table('biotech_enterprises')
