"""`python -m services.membership`: the API, the relay and the projections in one process."""
from __future__ import annotations

import asyncio

from shared.service_main import run_service
from services.membership.bootstrap import MembershipSettings, create_runtime

if __name__ == "__main__":
    asyncio.run(run_service(MembershipSettings(), create_runtime))
