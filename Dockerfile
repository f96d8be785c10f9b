# Værn as a container image: a static binary (pure Go, CGO off: SQLite is modernc.org/sqlite) on a
# distroless base, run as a non-root user. See docs/operations.md ("Container image").
#
#   docker build -t vaern --build-arg VERSION=$(git describe --tags --always) .
#   docker run -p 8080:8080 -v vaern-data:/var/lib/vaern \
#     -e VAERN_TRUST_PROXY=true -e VAERN_BASE_URL=https://vaern.example.dk vaern

FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN go build -trimpath -ldflags "-s -w -X github.com/vaern/vaern.Version=${VERSION}" -o /out/vaern ./cmd/vaern \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vaern /usr/local/bin/vaern
# The SQLite database lives in the volume; with PostgreSQL (VAERN_DATABASE=postgres://...) it stays empty.
COPY --from=build --chown=65532:65532 /out/data /var/lib/vaern
VOLUME /var/lib/vaern
USER 65532:65532
ENV VAERN_DATA=/var/lib/vaern \
    VAERN_ADDR=0.0.0.0:8080 \
    VAERN_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/vaern"]
CMD ["serve"]
