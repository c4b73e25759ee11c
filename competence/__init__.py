"""The digital competence platform of ХКИРО: the application factory."""

import os

from flask import Flask

from competence import config as settings
from competence.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the portal."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
        if "MAIL_DELIVERY_ENABLED" not in test_config:
            app.config["MAIL_DELIVERY_ENABLED"] = bool(app.config["MAIL_SERVER"])
    if app.config["PROXY_FIX_X_FOR"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the given number of proxies is trusted, so a client cannot forge its address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])

    db.init_app(app)
    _init_database(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    _init_i18n(app)

    _register_blueprints(app)
    _register_cli(app)

    from competence import errors, web

    errors.init_app(app)
    web.init_app(app)
    return app


def _init_database(app: Flask) -> None:
    """Tune SQLite connections (foreign keys, WAL, Unicode lower())."""
    from sqlalchemy import event

    from competence.database import configure_sqlite, create_private_file

    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        create_private_file(engine.url.database)
        event.listen(engine, "connect", configure_sqlite)


def _init_login(app: Flask) -> None:
    """Configure Flask-Login: how sessions map to users and where to send strangers."""
    from flask_babel import lazy_gettext as _l

    from competence.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        from competence.accounts import sessions

        return sessions.load_user(token) if isinstance(token, str) else None


def _init_i18n(app: Flask) -> None:
    """Configure Flask-Babel: Russian by default, English on request."""
    from flask import has_request_context, session
    from flask_login import current_user

    def select_locale() -> str:
        languages = app.config["LANGUAGES"]
        if not has_request_context():  # background jobs and commands
            return app.config["BABEL_DEFAULT_LOCALE"]
        if current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        chosen = session.get("locale")
        return chosen if chosen in languages else app.config["BABEL_DEFAULT_LOCALE"]

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=os.path.join(os.path.dirname(__file__), "translations"),
    )


def _register_blueprints(app: Flask) -> None:
    """Attach every domain's blueprint."""
    from competence.accounts.views import bp as accounts_bp
    from competence.admin.views import bp as admin_bp
    from competence.audit.views import bp as audit_bp
    from competence.cabinet.views import bp as cabinet_bp
    from competence.certificates.views import bp as certificates_bp
    from competence.deficits.blueprint import bp as deficits_bp
    from competence.diagnostics.views import bp as diagnostics_bp
    from competence.instruments.views import bp as instruments_bp
    from competence.main.views import bp as main_bp
    from competence.measurement.views import bp as measurement_bp
    from competence.privacy.views import bp as privacy_bp
    from competence.schools.views import bp as schools_bp
    from competence.staff.views import bp as staff_bp
    from competence.standards.blueprint import bp as standards_bp
    from competence.tracks.views import bp as tracks_bp
    from competence.training.blueprint import bp as training_bp
    from competence.tutoring.blueprint import bp as tutoring_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(cabinet_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(instruments_bp)
    app.register_blueprint(measurement_bp)
    app.register_blueprint(diagnostics_bp)
    app.register_blueprint(tracks_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(schools_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(standards_bp)
    app.register_blueprint(deficits_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(tutoring_bp)


def _register_cli(app: Flask) -> None:
    """Attach the command groups: `flask mail`, `flask accounts`, `flask schools`, ..."""
    from competence.accounts.cli import accounts_cli
    from competence.backup.cli import backup_command, restore_command
    from competence.demo import seed_demo_command, serve_command
    from competence.diagnostics.cli import diagnostics_cli
    from competence.instruments.cli import instruments_cli
    from competence.jobs_cli import jobs_cli
    from competence.measurement.cli import analytics_cli
    from competence.outbox.cli import mail_cli
    from competence.privacy.cli import privacy_cli
    from competence.schools.cli import schools_cli
    from competence.tracks.cli import catalog_cli
    from competence.training.cli import training_cli
    from competence.translations.cli import translations_cli

    for command in (
        mail_cli,
        accounts_cli,
        analytics_cli,
        catalog_cli,
        diagnostics_cli,
        instruments_cli,
        jobs_cli,
        schools_cli,
        training_cli,
        translations_cli,
        privacy_cli,
        seed_demo_command,
        serve_command,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
