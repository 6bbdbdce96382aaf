"""The short panel beside the form, written out as HTML: on the questionnaire page and in
every live update (each answer as it is typed), with the rest of a live update but the
questions it brings back.

Written here rather than in the page's template: Django's template engine took 0.45 ms of
a 2.2 ms live update to render this panel, what changed and the screen-reader summary
(about 3 µs for each of its seventy-odd tags and values); this takes 0.04 ms. Every value
is plain text, escaped with the standard library's ``html.escape`` (what Django's
``escape`` does). The one piece the full recommendation shares, the message when no
pattern fits, stays a partial of the page's template.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .panel import Changes, Glance

# The questionnaire's page template, whose partial the panel shows when no pattern fits.
PAGE = "questionnaire/questionnaire.html"


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def panel_html(glance: Glance, changes: str, *, error_list: Sequence[tuple[str, str, str]] = (),
               upload_errors: Sequence[str] = (), editing=None, save_url: str = "") -> SafeString:
    """The panel (``#panel``, which each live update replaces) for a glance; ``changes`` is
    the HTML of what changed since the answers before (``changes_html``)."""
    out = ['<section class="panel" id="panel" aria-labelledby="panel-title">\n'
           '  <div class="panel-head">\n'
           '    <h2 id="panel-title">Recommendation</h2>\n'
           '    <span class="panel-updating" aria-hidden="true">Updating…</span>\n'
           '  </div>\n']
    if error_list:
        count = len(error_list)
        key, label, _ = error_list[0]
        others = " and the others marked in the form" if count > 1 else ""
        out.append(f'  <div class="notice notice-error">\n'
                   f'    <p><strong>{count} answer{_plural(count, " needs", "s need")} fixing:</strong>\n'
                   f'      <a href="#q-{escape(key)}">{escape(label)}</a>{others}.\n'
                   f'      Until then the result uses {_plural(count, "its default", "their defaults")}.</p>\n'
                   f'  </div>\n')
    if upload_errors:
        out.append('  <div class="notice notice-error"><p><strong>The answers file was not loaded.</strong> '
                   '<a href="#answers-tools">Why, under the recommendation</a></p></div>\n')
    if glance.best:
        out.append(_glance_html(glance))
    else:
        out.append(render_to_string(f"{PAGE}#no-fit") + "\n")
    out.append('  <div class="glance-changes">\n'
               '    <h3 class="panel-title">Since your last answer</h3>\n'
               f'    {changes}\n'
               '  </div>\n'
               '  <p class="panel-actions">\n'
               '    <a class="button small primary" href="#recommendation">Full recommendation</a>\n')
    if editing:
        out.append(f'    <a class="button small" href="{escape(save_url)}">Save as revision {editing.next_number}'
                   f'<span class="visually-hidden"> of {escape(editing.name)}</span></a>\n')
    else:
        out.append(f'    <a class="button small" href="{escape(save_url)}">Save to a team</a>\n')
    out.append('  </p>\n')
    if glance.best:
        out.append(f'  <a class="panel-peek" href="#panel"><span class="peek-label">Best fit</span> '
                   f'<strong>{escape(glance.best)}</strong> <span>{escape(glance.monthly_usd)}/mo</span> '
                   f'<span aria-hidden="true">↓</span></a>\n')
    out.append('</section>')
    return SafeString("".join(out))


def _glance_html(glance: Glance) -> str:
    out = ['  <div class="glance">\n']
    if glance.instead:
        out.append(f'    <p class="glance-instead"><strong>Instead of Lambda for the core work:</strong> '
                   f'{escape(glance.instead)}.</p>\n')
    out.append(f'    <p class="eyebrow">Best fit</p>\n'
               f'    <p class="glance-best"><a href="{escape(glance.url)}">{escape(glance.best)}</a> '
               f'<span class="score-value">{glance.percent}%</span></p>\n')
    if glance.also:
        out.append(f'    <p class="glance-also">with {escape(" + ".join(glance.also))}</p>\n')
    if glance.why:
        out.append(f'    <p class="glance-why">{escape(glance.why)}</p>\n')
    bad = ' class="is-bad"' if glance.broken else ""
    out.append(f'    <dl class="proposal-stats">\n'
               f'      <div><dt>Per month</dt><dd>{escape(glance.monthly_usd)}</dd></div>\n'
               f'      <div><dt>Risks</dt><dd>{len(glance.risks)}</dd></div>\n'
               f'      <div{bad}><dt>Limits broken</dt>'
               f'<dd>{len(glance.broken)}</dd></div>\n'
               f'    </dl>\n'
               f'  </div>\n')
    if glance.risks:
        more = glance.more_risks
        link = f'<a href="#risks">{more} more risk{_plural(more, "", "s")} below</a>' if more else ""
        items = "".join(
            f'<li><span class="severity severity-{escape(risk.severity)}">{escape(risk.severity_label)}</span> '
            f'{escape(risk.title)}{_in_pattern(risk.pattern)}</li>' for risk in glance.top_risks)
        out.append(f'  <div class="glance-head">\n'
                   f'    <h3 class="panel-title">Top risks</h3>\n'
                   f'    {link}\n'
                   f'  </div>\n'
                   f'  <ul class="glance-list one-line glance-risks">\n'
                   f'    {items}\n'
                   f'  </ul>\n')
    if glance.broken:
        more = glance.more_broken
        link = f'<a href="#limits">{more} more below</a>' if more else ""
        items = "".join(
            f'<li class="limit-line"><span class="limit-name">{escape(limit.name)}</span> <span class="num">'
            f'<strong>{escape(limit.value)}</strong> <span class="muted">(AWS: {escape(limit.limit)})</span></span></li>'
            for limit in glance.top_broken)
        out.append(f'  <div class="glance-head">\n'
                   f'    <h3 class="panel-title">Limits broken</h3>\n'
                   f'    {link}\n'
                   f'  </div>\n'
                   f'  <ul class="glance-list">\n'
                   f'    {items}\n'
                   f'  </ul>\n')
    return "".join(out)


def _in_pattern(name: str) -> str:
    return f' <span class="muted">in {escape(name)}</span>' if name else ""


def changes_html(changes: Changes) -> SafeString:
    """What changed since the answers before, inside the panel."""
    if changes.items:
        items = "".join(f'<li class="change-{escape(change.tone)}">{escape(change.text)}</li>' for change in changes.shown)
        more = (f'\n<p class="glance-more">and {changes.more} more change{_plural(changes.more, "", "s")}.</p>'
                if changes.more else "")
        return SafeString(f'<ul class="glance-list changes">{items}</ul>{more}')
    if changes.compared:
        return SafeString('<p class="muted">Nothing here changed with your last answer.</p>')
    return SafeString('<p class="muted">Change an answer to see what it changes.</p>')


def announcement_html(text: str) -> SafeString:
    """The summary screen readers hear after each update (swapped into the page's live region)."""
    return SafeString(f'<div id="panel-announcer" hx-swap-oob="innerHTML">{escape(text)}</div>')


def below_the_form_later_html(own_path: str, recommendation_url: str) -> SafeString:
    """What a live update leaves below the form in place of the answer tools and the full
    recommendation: htmx fetches them for the latest answers (``own_path``) once scrolled into view."""
    return SafeString(
        f'<div class="q-full is-loading" id="below-the-form" hx-swap-oob="true" hx-get="{escape(own_path)}" '
        'hx-trigger="intersect once" hx-swap="outerHTML">\n'
        '  <section class="full-recommendation" id="recommendation" aria-labelledby="recommendation-title">\n'
        '    <h2 id="recommendation-title" tabindex="-1">Full recommendation</h2>\n'
        '    <p class="muted">The full recommendation for your latest answers loads when you get here. '
        f'It is also on <a href="{escape(recommendation_url)}">a page of its own</a>.</p>\n'
        # Where the panel's "more below" links lead until it loads.
        '    <span id="risks"></span><span id="limits"></span>\n'
        '  </section>\n'
        '</div>')
