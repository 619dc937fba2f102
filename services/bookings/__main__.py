"""`python -m services.bookings`: the API, and the relay + projections + reactions as its worker."""
from __future__ import annotations

from shared.service_main import main
from services.bookings.bootstrap import BookingsSettings, create_runtime

if __name__ == "__main__":
    main(BookingsSettings(), create_runtime)
