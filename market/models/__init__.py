"""Market models: methodologies, issuance, lots and serial blocks, the ledger,
transfers, retirements, listings, orders, payments."""

from market.models.beneficiaries import BeneficiaryName
from market.models.counters import Counter
from market.models.evidence import EvidenceFile
from market.models.issuance import IssuanceRequest, Methodology
from market.models.ledger import LedgerEntry, LedgerHead
from market.models.lots import Lot, SerialBlock
from market.models.movements import Retirement, Transfer
from market.models.stats import RetiredByMonth, ScenarioTotal
from market.models.trading import Listing, Order, OrderItem, Payment, PaymentReversal, StripeEvent

__all__ = [
    "BeneficiaryName", "Counter", "EvidenceFile", "IssuanceRequest", "LedgerEntry", "LedgerHead", "Lot", "Listing",
    "Methodology", "Order", "OrderItem", "Payment", "PaymentReversal", "RetiredByMonth", "Retirement",
    "ScenarioTotal", "SerialBlock", "StripeEvent", "Transfer",
]
