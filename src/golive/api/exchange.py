"""One attempt of a call: the request sent and the whole answer read, within the call's deadline
and golive's size limit, decompressed by golive itself (counting the bytes).
"""

from __future__ import annotations

import asyncio
import time

import httpx

from golive.api.bodies import (
    ACCEPTED_ENCODINGS,
    MAX_BODY_BYTES,
    TOO_LARGE_ADVICE,
    AnswerProblem,
    Decoder,
    call_deadline,
    raw_chunks,
)
from golive.api.calls import Call
from golive.api.errors import (
    ApiError,
    Failure,
)
from golive.session.model import Timeouts


# Long because sending, the size limit, decompression and the deadline guard one read.
async def exchange(
    http: httpx.AsyncClient,
    call: Call,
    attempt: int,
    started: float,
    request: httpx.Request,
    timeouts: Timeouts,
) -> httpx.Response:
    """One attempt: the request sent and the whole answer read, within the call's deadline and
    the size limit. The answer comes back decoded, as a response whose content is in memory."""
    request.headers["Accept-Encoding"] = ACCEPTED_ENCODINGS
    deadline = call_deadline(timeouts)
    phase = "waiting for the answer's status line and headers"
    received = 0
    try:
        async with asyncio.timeout(deadline):
            response = await http.send(request, stream=True)
            try:
                phase = f"reading the answer (HTTP {response.status_code})"
                body = bytearray()
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                    raise AnswerProblem(
                        Failure.TOO_LARGE,
                        f"the answer announces {int(declared)} bytes, more than golive reads "
                        f"({MAX_BODY_BYTES // 1024} KiB); it was not read",
                        TOO_LARGE_ADVICE,
                    )
                decoder = Decoder(response.headers.get("content-encoding", ""), MAX_BODY_BYTES)
                if response.is_stream_consumed:  # an answer already in memory (a mock
                    decoder = Decoder("identity", MAX_BODY_BYTES)  # transport), decoded
                    decoder.feed(response.content, body)
                async for chunk in raw_chunks(response):
                    received += len(chunk)
                    if received > MAX_BODY_BYTES:
                        raise AnswerProblem(
                            Failure.TOO_LARGE,
                            f"the answer is larger than golive reads ({MAX_BODY_BYTES // 1024} "
                            "KiB as sent); reading stopped there",
                            TOO_LARGE_ADVICE,
                        )
                    decoder.feed(chunk, body)
            finally:
                await response.aclose()
    except TimeoutError:
        so_far = f", {received} bytes of it so far" if received else ""
        raise ApiError(
            f"no whole answer from {call.url} within {deadline:g} s (the call's deadline: "
            f"connect + write + read timeouts); golive was {phase}{so_far}",
            failure=Failure.TIMEOUT,
            operation=call.operation,
            url=call.url,
            advice="the server accepts the connection but answers too slowly or not at all "
            "(a byte at a time, or never): check the host and port, and any proxy or firewall "
            "doing inspection; raise the timeouts only if answers are slow but valid",
            attempts=attempt,
            elapsed_s=time.perf_counter() - started,
        ) from None
    except AnswerProblem as problem:
        if problem.failure is Failure.TOO_LARGE and response.status_code >= 400:
            body = bytearray()  # an error status all the same: its body is not needed
        else:
            raise ApiError(
                f"{call.url}: {problem.message}",
                failure=problem.failure,
                operation=call.operation,
                url=call.url,
                advice=problem.advice,
                status_code=response.status_code,
                attempts=attempt,
                elapsed_s=time.perf_counter() - started,
            ) from None
    kept = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(response.status_code, headers=kept, content=bytes(body), request=request)
