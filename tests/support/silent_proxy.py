"""A TCP proxy whose connections can go silent without closing, as a phone network or a proxy that
lost a connection does: nothing more arrives either way, and neither end is told."""

from __future__ import annotations

import asyncio
import threading
from typing import List, Optional

from bot.launcher.process import free_port


class SilentProxy:
    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.target_port = target_port
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._server: Optional[asyncio.AbstractServer] = None
        self._open: List[dict] = []  # one per client connection: {"silent", "writers", "task"}
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> SilentProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def silence(self) -> int:
        """Every connection open now goes silent; new ones work. Returns how many went silent."""
        def mark() -> int:
            for connection in self._open:
                connection["silent"] = True
            return len(self._open)
        return self._call(mark)

    def open_connections(self) -> int:
        return self._call(lambda: sum(1 for c in self._open if not c["silent"]))

    def _call(self, fn):
        async def wrapped():
            return fn()
        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(10)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = [connection["task"] for connection in self._open]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            client_writer.close()
            return
        connection = {"silent": False, "writers": [client_writer, upstream_writer], "task": asyncio.current_task()}
        self._open.append(connection)
        try:
            await asyncio.gather(self._pump(client_reader, upstream_writer, connection),
                                 self._pump(upstream_reader, client_writer, connection))
        finally:
            self._open.remove(connection)
            for writer in connection["writers"]:
                writer.close()

    @staticmethod
    async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: dict) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if connection["silent"]:
                    continue  # swallowed: the other end hears nothing, and nothing is closed
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            if not connection["silent"]:
                writer.close()
