// Package advisory reads security advisories from the sources Værn imports and writes the
// centre's own advisories out again. It is pure: it touches no store and no web code, so the CLI
// (`vaern advisory import`), the upload handler, the API and the feed job share one parser.
//
//   - Parse tells a CISA KEV catalogue, a CVE JSON 5 record and a CSAF 2.0 document apart by
//     their content and turns each into vaern.Advisory values (one per KEV entry, one per CVE
//     record, one per CSAF document).
//   - A CSAF document is checked against the CSAF 2.0 JSON schema (through gocsaf's validator) and
//     against the mandatory tests of section 6.1 of the standard (mandatory*.go). A document that
//     fails is refused with the test's number and the JSON path, unless Options.Override is set;
//     then the failed tests are returned and listed in Advisory.Override.
//   - ExportCSAF writes a centre advisory as a CSAF 2.0 security advisory that passes the same
//     checks.
//   - FetchProvider follows a CSAF provider's provider-metadata.json to its ROLIE feeds or
//     directory listings and downloads the documents that are new, checking their hashes.
//
// Every input passes internal/inputguard (size, nesting, number of values) before a decoder sees
// it, the number of products, branches and vulnerabilities is bounded, and a parse stops when its
// context ends. Errors are *Error values naming the file and the JSON path; nothing half-parsed is
// returned with an error.
package advisory
