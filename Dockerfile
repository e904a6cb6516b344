# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/app/var

WORKDIR /app
COPY pyproject.toml README.md ./
COPY tracker ./tracker
COPY predictions ./predictions
COPY indicators ./indicators
COPY manage.py ./
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build-only DEBUG=1 python manage.py collectstatic --noinput \
    && useradd --create-home tracker && chown -R tracker /app/var

USER tracker
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2"]
