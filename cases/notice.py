"""The case's payment notice (缴款通知书), DOMAIN.md §8: what the authority hands the
obligor — case number, authority, obligor, ordered tonnes, the deadline (the due date, in
Beijing time), the price of the rest at today's cheapest listings in figures and in
words, and the payment link as text and QR code. Drawn from plain values only."""

from flask import render_template

from cases import payment
from cases.models import CompensationCase
from core.pdf import render_pdf
from market.payments.notice import PDF_CSS, qr_svg

CASE_PDF_CSS = PDF_CSS + """
.link { font-size: 9pt; }
"""


def case_payment_notice(case: CompensationCase, link: str) -> dict:
    """The notice as plain values: ``{case_number, authority_name, obligor_name,
    required_kg, retired_kg, outstanding_kg, due_date, estimate_fen, missing_kg,
    payment_link, qr_svg, issued_at}``. ``estimate_fen`` prices the outstanding quantity
    (fen, CNY) at the cheapest open listings now; the order placed through the link fixes
    the price."""
    offer = payment.quote(case)
    return {"case_number": case.case_number, "authority_name": case.authority_name,
            "obligor_name": case.obligor_name, "is_person": case.obligor_organization_id is None,
            "required_kg": case.required_kg, "retired_kg": case.retired_kg,
            "outstanding_kg": case.outstanding_kg, "quoted_kg": offer["quantity_kg"],
            "due_date": case.due_date, "judgment_date": case.judgment_date,
            "estimate_fen": offer["total_fen"], "missing_kg": offer["missing_kg"],
            "payment_link": link, "qr_svg": qr_svg(link)}


def case_payment_notice_pdf(notice: dict) -> bytes:
    """The notice on one A4 page (WeasyPrint), in the reader's language."""
    return render_pdf(render_template("cases/payment_notice_pdf.html", notice=notice),
                      CASE_PDF_CSS)
