# Plenary — one image for every role: web node, Celery worker, Celery beat, migrations.
# The role is the command: `plenary web ...`, `plenary worker`, `plenary beat`,
# `plenary db upgrade` (see docker-compose.yml). No HEALTHCHECK here: each role is
# probed differently, so docker-compose.yml declares one per service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLENARY_VAR_DIR=/app/var

# Certificates: libpango (WeasyPrint renders the designed background), TrueType fonts the
# per-person layer embeds (fonts-noto-core: Latin, Greek, Cyrillic, Arabic; fonts-nanum:
# Hangul), fonts-noto-cjk and fonts-noto-color-emoji for names WeasyPrint renders whole.
# curl: the web nodes' healthcheck.
# Not version-pinned: the pins would break with each Debian point release of the base.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-noto-core fonts-nanum fonts-noto-cjk fonts-noto-color-emoji curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 plenary \
    && useradd --system --uid 10001 --gid plenary --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin plenary

WORKDIR /app

# Third-party dependencies first, in their own layer, so a code change does not
# reinstall them (requirements.txt without its final `-e .`).
COPY requirements.txt ./
RUN sed '/^-e /d' requirements.txt > /tmp/requirements-deps.txt \
    && pip install --no-cache-dir -r /tmp/requirements-deps.txt \
    && rm /tmp/requirements-deps.txt

# Then the repository itself; `-e .` installs the `plenary` and `workers` packages
# and the `plenary` command. The code stays owned by root and read-only for the app;
# only var/ is writable.
COPY . .
RUN pip install --no-cache-dir -r requirements.txt \
    && mkdir -p /app/var \
    && chown plenary:plenary /app/var

# Numeric, so that runtimes can check it is not root without reading /etc/passwd.
USER 10001:10001

EXPOSE 8000

ENTRYPOINT ["plenary"]
CMD ["web", "--host", "0.0.0.0", "--port", "8000"]
