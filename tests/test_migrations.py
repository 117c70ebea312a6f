"""`flask db check`: the migrations build exactly what the models describe, asked of the suite's
migrated database and of a fresh one nobody has migrated yet."""
from registry import create_app
from tests.conftest import SuiteConfig


def test_the_migrations_match_the_models(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_a_fresh_database_is_checked_on_a_scratch_copy_and_left_alone(tmp_path):
    fresh = tmp_path / "fresh.sqlite3"

    class FreshConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{fresh}"

    app = create_app(FreshConfig)
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "scratch database" in result.output
    with app.app_context():
        from registry.extensions import db
        assert db.inspect(db.engine).get_table_names() == []
