"""Signals market sends to the layers above it (they subscribe; market never imports them).

Receivers run inside the sender's transaction, so what they write commits with it.
"""

from blinker import Namespace

_signals = Namespace()

#: sent with ``retirement=`` after a retirement is flushed (its blocks settled)
retirement_created = _signals.signal("retirement-created")

#: sent with ``entries=`` (numbered LedgerEntry objects) each time ledger entries are
#: recorded, under the ledger head lock; interop turns them into its change feed
ledger_recorded = _signals.signal("ledger-recorded")
