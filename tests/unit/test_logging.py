"""Every log line is one JSON object, the standard library's (faust, aiokafka) included."""
from __future__ import annotations

import json
import logging

import structlog

from shared.logging import configure_logging


def test_structlog_and_stdlib_lines_are_json_with_the_bound_correlation_id(capsys) -> None:
    configure_logging("INFO", json=True)
    try:
        with structlog.contextvars.bound_contextvars(correlation_id="c-42"):
            structlog.get_logger("lab27.test").info("member.admitted", member_id="m1")
            logging.getLogger("aiokafka").warning("broker %s unreachable", "b1")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()
    assert lines[0]["event"] == "member.admitted" and lines[0]["correlation_id"] == "c-42"
    assert lines[0]["member_id"] == "m1" and lines[0]["level"] == "info"
    assert lines[1]["event"] == "broker b1 unreachable" and lines[1]["logger"] == "aiokafka"
    assert lines[1]["correlation_id"] == "c-42" and lines[1]["level"] == "warning"
