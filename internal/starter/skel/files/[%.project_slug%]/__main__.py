from http.server import HTTPServer, SimpleHTTPRequestHandler
[%- if has "logging" .extras %]
import logging.config
[%- end %]

PORT = [% .port %]
DATABASE = [% .database | upper | pyString %]


def main() -> None:
[%- if has "logging" .extras %]
    logging.config.fileConfig("logging.ini")
[%- end %]
    HTTPServer(("127.0.0.1", PORT), SimpleHTTPRequestHandler).serve_forever()


if __name__ == "__main__":
    main()
