FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings to load; the key is a build-time placeholder, never used at run time.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app reform && mkdir -p /app/var/media && chown -R reform /app/var
USER reform

EXPOSE 8000
# A whole-province Excel export takes tens of seconds; gunicorn would kill the worker at 30.
CMD ["gunicorn", "reform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "300"]
