FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run build:css

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
COPY --from=assets /app/static/css static/css
COPY --from=assets /app/node_modules/govuk-frontend/dist/govuk node_modules/govuk-frontend/dist/govuk
RUN pip install . && useradd --create-home copsite && mkdir -p var && chown copsite var
USER copsite
EXPOSE 8000
CMD ["gunicorn", "copsite.wsgi:application", "--bind", "0.0.0.0:8000"]
