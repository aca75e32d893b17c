"""The payment notice (付款通知书) of a bank-transfer order, DOMAIN.md §8: who to pay,
how much in figures and in words, the reference to quote, the deadline, and a QR code
of the order's page. One plain view serves the order page and its A4 PDF."""

import sqlalchemy as sa
from flask import current_app, render_template
from markupsafe import Markup

from core.db import db
from core.mail import attachments
from core.models import Organization
from core.pdf import render_pdf
from market.models import Order
from market.notifications import PAYMENT_NOTICE
from market.payments.bank import receiving_account

PDF_CSS = """
h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm; }
html[lang=zh-CN] h1 { letter-spacing: 0.3em; }
.subtitle { text-align: center; color: #555; margin: 0 0 6mm; }
table { width: 100%; border-collapse: collapse; margin: 0 0 5mm; }
th, td { border: 0.6pt solid #777; padding: 2.2mm 3mm; text-align: left; vertical-align: top; }
th { width: 32%; background: #eef4ef; font-weight: normal; }
.reference { font-size: 14pt; letter-spacing: 0.08em; }
.amount { font-size: 12pt; }
.qr { float: right; width: 32mm; margin: 0 0 3mm 5mm; text-align: center; font-size: 8pt; }
.qr svg { width: 32mm; height: 32mm; }
.steps li { margin-bottom: 1.5mm; }
.issuer { margin-top: 8mm; color: #555; font-size: 9pt; }
"""


def qr_svg(url: str) -> Markup:
    """``url`` as an inline SVG QR code (level M): no script, no file, no request."""
    import segno  # on the first notice drawn, not at start-up

    qr = segno.make(url, error="m", micro=False, boost_error=False)
    return Markup(qr.svg_inline(border=2, omitsize=True, dark="#111",
                                title=url))


def payment_notice(order: Order, order_url: str) -> dict:
    """The notice as plain values (no ORM object leaves here)."""
    payer = db.session.get(Organization, order.buyer_id)
    return {"number": order.number, "payer": payer.name, "amount_fen": order.total_fen,
            "quantity_kg": order.quantity_kg, "reference": order.bank_reference,
            "expires_at": order.expires_at, "created_at": order.created_at,
            "order_url": order_url, "qr_svg": qr_svg(order_url), **receiving_account()}


def payment_notice_pdf(notice: dict) -> bytes:
    """The notice on one A4 page, in the page's language."""
    return render_pdf(render_template("market/payment_notice_pdf.html", notice=notice), PDF_CSS)


def notice_attachment(number: str) -> tuple[str, str, bytes]:
    """The notice of order ``number`` as an e-mail attachment, in the message's language
    (``core.mail.attachments``: drawn when the message is sent)."""
    order = db.session.execute(sa.select(Order).where(Order.number == number)).scalar_one()
    url = f"{current_app.config['BASE_URL']}/orders/{number}"
    return (f"payment-notice-{number}.pdf", "application/pdf",
            payment_notice_pdf(payment_notice(order, url)))


def init_app(app) -> None:
    attachments.register(app, PAYMENT_NOTICE, notice_attachment)
