"""Input and output schemas of the market: shape only, rules live in the use cases."""

from market.schemas.registry import *  # noqa: F401,F403
from market.schemas.trading import *  # noqa: F401,F403
