"""`python -m services.funding`: the API, and the relay + projections + reactions as its worker."""
from __future__ import annotations

from shared.service_main import main
from services.funding.bootstrap import FundingSettings, create_runtime

if __name__ == "__main__":
    main(FundingSettings(), create_runtime)
