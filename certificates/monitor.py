"""``python -m certificates.monitor`` still runs the public monitor, which now lives in
``tlog.monitor`` with the rest of the transparency log."""

import sys

from tlog.monitor import main

if __name__ == "__main__":
    sys.exit(main())
