"""`python -m services.cohorts`: the API, and the relay + projections + reactions as its worker."""
from __future__ import annotations

from shared.service_main import main
from services.cohorts.bootstrap import CohortsSettings, create_runtime

if __name__ == "__main__":
    main(CohortsSettings(), create_runtime)
