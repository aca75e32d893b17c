"""Public certificate pages: verification, PDF and JSON downloads, the DID document."""

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from certificates import keys, service, verdicts
from certificates.credentials import get_certificate, used_public_keys
from certificates.pades import published_certificates_pem
from certificates.rendering import ensure_pdf
from core.errors import DomainError, handle_http_exception
from core.strict_json import JSONRefused
from core.ops.throttle import count_every_post, throttled

bp = Blueprint("certificate_pages", __name__, template_folder="templates")

CONTEXT = {"@context": {"@version": 1.1, "@protected": False,
                        "@vocab": "https://tanhui.jilin.example/vocab#"}}


@bp.get("/.well-known/did.json")
def did_document():
    return Response(json.dumps(keys.did_document(used_public_keys()), ensure_ascii=False),
                    mimetype="application/did+json")


@bp.get(keys.PDF_SIGNING_CERTIFICATES_PATH)
def pdf_signing_certificates():
    """Every PDF signing certificate ever used, PEM: the offline verifier's trust anchor."""
    pem = published_certificates_pem(Path(current_app.config["SIGNING_KEY_DIR"]))
    return Response(pem, mimetype="application/x-pem-file")


@bp.get("/contexts/registry-v1.jsonld")
def context():
    return Response(json.dumps(CONTEXT), mimetype="application/ld+json")


@bp.get("/certificates/<number>.pdf")
def certificate_pdf(number):
    if number.strip().upper() != number:  # numbers are upper case; readers type any case
        return redirect(url_for("certificate_pages.certificate_pdf", number=number.strip().upper()))
    get_certificate(number)  # 404 for unknown numbers before any rendering
    pdf, digest = ensure_pdf(number)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    response.headers["ETag"] = digest
    response.headers["X-Content-SHA256"] = digest
    return response


@bp.get("/certificates/<number>.json")
def certificate_json(number):
    if number.strip().upper() != number:
        return redirect(url_for("certificate_pages.certificate_json", number=number.strip().upper()))
    certificate = get_certificate(number)
    response = Response(certificate.credential, mimetype="application/vc+ld+json")
    response.headers["Content-Disposition"] = f'attachment; filename="{number}.json"'
    return response


@bp.get("/certificates/<number>")
def certificate_home(number):
    return redirect(url_for("certificate_pages.verify_number", number=number))


UPLOAD_LIMIT = 10 * 1024 * 1024  # a certificate's PDF is about 50 kB


def _too_large() -> str:
    return _("The file is larger than %(limit)s MB: it is not a certificate from this "
             "registry (their PDFs are far smaller).", limit=UPLOAD_LIMIT // (1024 * 1024))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A body over ``MAX_CONTENT_LENGTH`` posted to ``/verify`` is refused before it is
    read (413): the form again, the reason beside the file field, not a bare error page."""
    if request.endpoint != "certificate_pages.verify_form" or request.method != "POST":
        return handle_http_exception(error)
    return render_template("certificates/verify_form.html", result=None, error=_too_large(),
                           verdict="unreadable", claims=None, pasted=False, credential="",
                           checks=[]), 413


@bp.route("/verify", methods=["GET", "POST"])
@throttled("certificate-verification", "VERIFY_RATE_LIMIT", counts=count_every_post)
def verify_form():
    """Verify by number (redirects to ``/verify/{NUMBER}``, any case), by an uploaded PDF
    or JSON file, or by pasted JSON: one verdict, the credential's claims, the checks.
    A refusal is shown beside the file field or the pasted text, which is kept."""
    if request.method == "GET" and request.args.get("number"):
        return redirect(url_for("certificate_pages.verify_number",
                                number=request.args["number"].strip().upper()))
    result = error = verdict = claims = None
    pasted = False
    text = ""
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        text = request.form.get("credential", "").strip()
        pasted = not (upload and upload.filename)
        data = text.encode() if pasted else upload.read(UPLOAD_LIMIT + 1)
        if not data:
            error = (_("Choose a file or paste a credential.") if pasted
                     else _("The chosen file is empty."))
        elif len(data) > UPLOAD_LIMIT:
            error, verdict, status = _too_large(), "unreadable", 413
        else:
            try:
                result = service.verify_pasted(text) if pasted else service.verify_upload(data)
            except (DomainError, JSONRefused) as problem:
                error, verdict = problem.message, "unreadable"
        if result is not None:
            verdict = verdicts.verdict_of(result)
            if result["checks"].get("signature") == "passed":
                claims = verdicts.credential_claims(verdicts.credential_in(data))
    return render_template("certificates/verify_form.html", result=result, error=error,
                           verdict=verdict, claims=claims, pasted=pasted,
                           credential=text if pasted and result is None else "",
                           checks=verdicts.check_lines(result) if result else []), status


@bp.get("/verify/<number>")
def verify_number(number):
    canonical = number.strip().upper()
    if canonical != number:  # certificate numbers are upper case; readers type any case
        return redirect(url_for("certificate_pages.verify_number", number=canonical))
    try:
        certificate = get_certificate(number)
    except DomainError:
        return render_template("certificates/verify_number.html", certificate=None,
                               number=number), 404
    described = service.describe(certificate)
    result = service.verify_credential(described["credential"])
    return render_template("certificates/verify_number.html", certificate=certificate,
                           described=described, result=result, view=certificate.view,
                           verdict=verdicts.verdict_of(result),
                           checks=verdicts.check_lines(result),
                           claims=verdicts.credential_claims(described["credential"]),
                           number=number, did=keys.issuer_did(),
                           base_url=current_app.config["BASE_URL"])
