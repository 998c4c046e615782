"""Public pages. The long text lives in one template per language under
templates/public/content/<lang>/, so translators see whole paragraphs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from kyphoplan.public.forms import RiskCheckForm
from kyphoplan.public.risk import RiskFactor, Sex, ost_band, ost_score, to_kg

PAGES = {
    "home": "home",
    "causes": "causes",
    "procedure": "procedure",
    "risks": "risks",
    "prepare": "prepare",
    "contact": "contact",
}


def _content(name: str) -> str:
    lang = "es" if (get_language() or "en").startswith("es") else "en"
    return f"public/content/{lang}/{name}.html"


def page(request: HttpRequest, name: str = "home") -> HttpResponse:
    if name not in PAGES:
        raise Http404
    return render(request, "public/page.html", {"content": _content(name), "page": name})


@require_http_methods(["GET", "POST"])
def risk(request: HttpRequest) -> HttpResponse:
    # POST, not GET: age and weight are health facts and must not land in a URL.
    form = RiskCheckForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [RiskFactor(f) for f in data["factors"]]
        result = {"count": len(chosen), "labels": [f.label for f in chosen]}
        if data.get("age") is not None:
            score = ost_score(data["age"], to_kg(data["weight"], data["unit"]))
            result["ost"] = score
            result["band"] = ost_band(score, Sex(data["sex"])).value
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request,
        "public/risk.html",
        {
            "form": form,
            "result": result,
            "content": _content("risk"),
            "page": "risk",
        },
        status=status,
    )
