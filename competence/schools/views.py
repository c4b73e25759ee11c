"""Pages of the school module: identification lists, the school card, indicator import, partners."""

from functools import partial

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from competence import tabular
from competence.accounts.access import role_required
from competence.accounts.reference import SCHOOL_GROUP_LABELS
from competence.analytics.indicators import EDUCATIONAL_INDICATORS, GROUPS, SOCIAL_INDICATORS
from competence.extensions import db
from competence.schools import access, card, labels, partnerships, plan_services, risk
from competence.schools.charts import indices_chart
from competence.schools.dataset import load_dataset
from competence.schools.errors import ActionError
from competence.schools.forms import (
    EndPartnershipForm,
    IndicatorImportForm,
    ListFilterForm,
    PartnershipForm,
)
from competence.schools.imports import import_indicators, parse_years, stored_years
from competence.schools.indicator_files import REQUIRED_COLUMNS, IndicatorFileError
from competence.schools.models import Municipality, School, SchoolPartnership
from competence.schools.overview import LISTS, SOCIAL_CATEGORIES, Scope, overview
from competence.tabular import csv_bytes

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.before_request
def require_sign_in():
    """Send an anonymous visitor of any page of the module to sign in (401 for JSON)."""
    # Checked once for the blueprint, so no view reaches a role check with an anonymous user.
    if current_user.is_authenticated:
        return None
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        abort(401)
    return current_app.login_manager.unauthorized()


@bp.context_processor
def school_labels():
    """Give the module's templates its labels and number formats."""
    return {
        "labels": labels,
        "number": labels.number,
        "index": labels.index,
        "percent": labels.percent,
        "indicator_value": labels.indicator_value,
    }


@bp.route("/")
@role_required(*access.LIST_ROLES)
def index():
    """List the identified schools of a window, municipality and group, with the cross-table."""
    municipality_id = access.list_scope(current_user)
    municipalities = access.municipalities_for(current_user)
    form = ListFilterForm(request.args)
    dataset = load_dataset()
    form.year.choices = [(w[-1], f"{w[0]}–{w[-1]}") for w in reversed(dataset.windows)]
    form.municipality.choices = [("", _("All municipalities"))] + [
        (m.id, m.name) for m in municipalities
    ]
    form.group.choices = [("", _("Both groups"))] + [
        (group, str(label)) for group, label in SCHOOL_GROUP_LABELS.items()
    ]
    if municipality_id is None and form.municipality.data in {m.id for m in municipalities}:
        municipality_id = form.municipality.data
    group = form.group.data if form.group.data in GROUPS else None
    window = dataset.window(form.year.data)
    key = request.args.get("list") if request.args.get("list") in LISTS else LISTS[0]
    social = request.args.get("social")
    social = social if social in SOCIAL_CATEGORIES and key not in SOCIAL_CATEGORIES else None
    data = overview(dataset, window, Scope(municipality_id, group)) if window else None
    if window:
        form.year.data = window[-1]
    return render_template(
        "schools/index.html",
        form=form,
        data=data,
        years=dataset.years,
        key=key,
        social=social,
        municipality=db.session.get(Municipality, municipality_id) if municipality_id else None,
        filters={
            "year": window[-1] if window else None,
            "municipality": request.args.get("municipality") or None,
            "group": group,
        },
    )


def _card(school: School, *, partnership_form=None, end_form=None, status: int = 200):
    """Render the school card (also with a form that failed to validate)."""
    dataset = load_dataset()
    window = dataset.window(request.args.get("year", type=int))
    identification = dataset.identification(window, school.code) if window else None
    years, categories = dataset.history(school.code)
    latest = dataset.window()
    suggestions = partnerships.suggestions(dataset, latest, school) if latest else []
    reviewer = access.reviews(current_user, school)
    agreements = partnerships.partnerships_of(school)
    if partnership_form is None and suggestions and reviewer:
        partnership_form = PartnershipForm()
    if partnership_form is not None:
        partnership_form.partner.choices = _partner_choices(suggestions)
    chart = None
    if years:
        chart = indices_chart(
            years,
            _("Indices of %(school)s by year", school=school.name),
            (_("Results"), _("Social conditions")),
            labels.index,
            ("0", labels.number(0.5), "1"),
        )
    page = render_template(
        "schools/school.html",
        school=school,
        window=window,
        windows=dataset.windows,
        identification=identification,
        years=years,
        categories=categories,
        chart=chart,
        weakest=card.standings(dataset, window, school.code) if window else [],
        hardest=card.standings(dataset, window, school.code, social=True) if window else [],
        standing_year=card.standing_year(dataset, window, school.code) if window else None,
        value_rows=card.value_rows(dataset, school.code),
        stored_years=dataset.years,
        profile=risk.risk_profile(school, identification),
        latest_window=latest,
        suggestions=partnerships.to_suggest(suggestions, agreements),
        partnerships=agreements,
        partnership_form=partnership_form,
        end_form=end_form or EndPartnershipForm(),
        reviewer=reviewer,
        in_reach=partial(access.in_reach, current_user),
        plans=plan_services.plans_of(school),
        edits_plans=access.edits_plans(current_user, school),
        indicator_count=len(EDUCATIONAL_INDICATORS) + len(SOCIAL_INDICATORS),
    )
    return page, status


def _partner_choices(suggestions) -> list:
    return [("", _("— choose a school —"))] + [
        (s.school.id, f"{s.school.name} ({s.school.municipality.name})") for s in suggestions
    ]


@bp.route("/<int:school_id>")
def school_card(school_id: int):
    """Show a school: indices by year, movement, weak indicators, risk profile, partners, plans."""
    return _card(access.school_or_404(current_user, school_id))


@bp.route("/<int:school_id>/partnerships", methods=["POST"])
def confirm_partnership(school_id: int):
    """Record a network partnership agreement with one of the suggested schools."""
    school = access.school_or_404(current_user, school_id)
    if not access.reviews(current_user, school):
        abort(403)
    form = PartnershipForm()
    dataset = load_dataset()
    latest = dataset.window()
    form.partner.choices = _partner_choices(
        partnerships.suggestions(dataset, latest, school) if latest else []
    )
    if not form.validate_on_submit():
        return _card(school, partnership_form=form, status=422)
    try:
        partnerships.confirm_partnership(
            school,
            db.session.get(School, form.partner.data),
            number=form.number.data,
            signed_on=form.signed_on.data,
            notes=form.notes.data or "",
            actor=current_user,
        )
    except ActionError as error:
        form.partner.errors.append(str(error.message))
        return _card(school, partnership_form=form, status=error.status)
    flash(_("The partnership is recorded."), "success")
    return redirect(url_for("schools.school_card", school_id=school.id, _anchor="partners"))


@bp.route("/partnerships/<int:partnership_id>/end", methods=["POST"])
def end_partnership(partnership_id: int):
    """End an agreement in force."""
    partnership = db.get_or_404(SchoolPartnership, partnership_id)
    school = access.school_or_404(current_user, partnership.school_id)
    if not access.reviews(current_user, school):
        abort(403)
    form = EndPartnershipForm()
    if not form.validate_on_submit():
        return _card(school, end_form=form, status=422)
    try:
        partnerships.end_partnership(partnership, reason=form.reason.data or "", actor=current_user)
    except ActionError as error:
        abort(error.status, str(error.message))
    flash(_("The agreement is ended."), "info")
    return redirect(url_for("schools.school_card", school_id=school.id, _anchor="partners"))


@bp.route("/indicators", methods=["GET", "POST"])
@role_required(*access.IMPORT_ROLES)
def indicators():
    """Import an indicator file (and region means) and show what is stored per year."""
    form = IndicatorImportForm()
    errors, summary, status = [], None, 200
    if form.validate_on_submit():
        upload, means = form.indicators.data, form.region_means.data
        try:
            summary = import_indicators(
                upload.filename or "indicators",
                upload.read(),
                means_filename=means.filename if means else None,
                means_data=means.read() if means else None,
                years=parse_years(form.years.data),
                actor=current_user,
            )
        except IndicatorFileError as error:
            errors, status = error.errors, 422
    elif form.is_submitted():
        status = 422
    return (
        render_template(
            "schools/import.html",
            form=form,
            errors=errors,
            summary=summary,
            stored=stored_years(),
            required_columns=REQUIRED_COLUMNS,
            limits=tabular.limits(),
            educational=EDUCATIONAL_INDICATORS,
            social=SOCIAL_INDICATORS,
        ),
        status,
    )


@bp.route("/indicators/template.csv")
@role_required(*access.IMPORT_ROLES)
def indicators_template():
    """Download an empty indicator file with every column, to fill in."""
    columns = [*REQUIRED_COLUMNS, *(i.code for i in EDUCATIONAL_INDICATORS + SOCIAL_INDICATORS)]
    return Response(
        csv_bytes([[*columns, "excluded"]]),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=indicators-template.csv"},
    )


from competence.schools import plan_item_views, plan_views  # noqa: E402, F401
