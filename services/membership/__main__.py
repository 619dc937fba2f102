"""`python -m services.membership`: the API, and the relay + projections as its worker."""
from __future__ import annotations

from shared.service_main import main
from services.membership.bootstrap import MembershipSettings, create_runtime

if __name__ == "__main__":
    main(MembershipSettings(), create_runtime)
