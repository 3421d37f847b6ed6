"""Baseline servers: B (bare Flask-SocketIO, gevent) and N (Node socket.io 4)."""
