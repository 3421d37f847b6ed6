"""Asyncio load generator speaking Engine.IO v4 / Socket.IO v5 over raw WebSockets."""
