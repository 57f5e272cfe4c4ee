"""Drives `tldr mcp` with the official Python MCP SDK (2.x) and prints what it saw as one JSON object.

Usage: mcp_interop.py MODE CWD COMMAND ARGS...   (MODE: the SDK's ConnectMode, e.g. auto or legacy)
Used by test/integration/mcp-interop.test.ts; the SDK lives in the venv scripts/setup-mcp-python.sh makes.
"""
import asyncio
import json
import sys

from mcp import Client
from mcp.client.stdio import StdioServerParameters


async def main() -> None:
    mode, cwd, command, *args = sys.argv[1:]
    params = StdioServerParameters(command=command, args=args, cwd=cwd)
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async with Client(params, mode=mode) as client:
        tools = await client.list_tools()
        status = await client.call_tool("status", {}, progress_callback=on_progress)
        bad = await client.call_tool("logs", {"name": 7})
        resources = await client.list_resources()
        print(
            json.dumps(
                {
                    "tools": {t.name: {"readOnly": t.annotations.read_only_hint if t.annotations else None, "output": t.output_schema is not None} for t in tools.tools},
                    "status": {"isError": status.is_error, "structured": status.structured_content, "text": [c.text for c in status.content]},
                    "bad": {"isError": bad.is_error, "text": [c.text for c in bad.content]},
                    "resources": [str(r.uri) for r in resources.resources],
                    "progress": progress,
                }
            )
        )


asyncio.run(main())
