"""Partnership figures: the page of tables and charts, and each table as CSV."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.safestring import mark_safe

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.figures import exports, presenters, queries
from safeshare.figures.charts import bar_chart
from safeshare.figures.forms import FiguresFilterForm
from safeshare.figures.permissions import (
    can_view_figures,
    can_view_partnership_figures,
    figures_scope,
)
from safeshare.figures.tables import Figure


def _figures(
    request: AuthenticatedHttpRequest,
) -> tuple[FiguresFilterForm, queries.Period, list[Figure]]:
    if not can_view_figures(request.user):
        raise PermissionDenied
    scope = figures_scope(request.user)
    organisations = queries.organisations_in_scope(scope)
    agencies = organisations if can_view_partnership_figures(request.user) else None
    bound = any(k in request.GET for k in ("date_from_0", "date_to_0", "agency"))
    form = FiguresFilterForm(request.GET if bound else None, agencies=agencies)
    period, agency = queries.default_period(), None
    if form.is_bound and form.is_valid():
        last = form.cleaned_data["date_to"] or period.last
        first = form.cleaned_data["date_from"] or queries.default_period(last).first
        period = queries.Period(first, last)
        agency = form.cleaned_data.get("agency")
    counts = queries.counts(scope, period, agency)
    return form, period, presenters.build(counts, period)


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, period, figures = _figures(request)
    query = request.GET.copy() if form.is_bound and form.is_valid() else QueryDict()
    charts = {f.slug: mark_safe(bar_chart(f)) for f in figures}  # noqa: S308 — every text in it is escaped by charts.py
    valid = not form.is_bound or form.is_valid()
    return render(
        request,
        "figures/index.html",
        {
            "form": form,
            "period": period,
            "figures": [(f, charts[f.slug]) for f in figures] if valid else [],
            "query": query.urlencode(),
            "partnership": can_view_partnership_figures(request.user),
        },
    )


def table_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    form, period, figures = _figures(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    figure = presenters.by_slug(figures, slug)
    if figure is None:
        raise Http404
    response = HttpResponse(exports.table_csv(figure), content_type="text/csv; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(slug, period)}"'
    return response
