/**
 * The certificate the fault upstream presents on its TLS route: self-signed and expired in 2020
 * (for 127.0.0.1, ::1 and localhost), so that any proxy verifying its upstream's certificate
 * refuses it. The key is public on purpose: it protects nothing, and a fixed pair keeps the
 * check free of a certificate library and of openssl at run time. Made with:
 *
 *   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem \
 *     -out csr.pem -subj "/CN=truestatus proxy-check fault upstream (expired, self-signed)" \
 *     -addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
 *   openssl ca -batch -config ca.cnf -selfsign -keyfile key.pem -in csr.pem -out cert.pem \
 *     -notext -startdate 20200101000000Z -enddate 20200201000000Z
 */
export const FAULT_TLS_KEY = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg03dlazp/bZxcAYu7
DpiavFiIozZLLf6S6H4pp9ogbTOhRANCAAQsyX2EQA6m3EzRcdbQ0pfmSjStEzT2
+Dwx84iXt1E6OVP+XYNlFIUKVvVtlQrAgtdQcRbCiNIdwrYLJOFDTCD1
-----END PRIVATE KEY-----
`;

export const FAULT_TLS_CERT = `
-----BEGIN CERTIFICATE-----
MIIBzDCCAXKgAwIBAgIBATAKBggqhkjOPQQDAjBHMUUwQwYDVQQDDDx0cnVlc3Rh
dHVzIHByb3h5LWNoZWNrIGZhdWx0IHVwc3RyZWFtIChleHBpcmVkLCBzZWxmLXNp
Z25lZCkwHhcNMjAwMTAxMDAwMDAwWhcNMjAwMjAxMDAwMDAwWjBHMUUwQwYDVQQD
DDx0cnVlc3RhdHVzIHByb3h5LWNoZWNrIGZhdWx0IHVwc3RyZWFtIChleHBpcmVk
LCBzZWxmLXNpZ25lZCkwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQsyX2EQA6m
3EzRcdbQ0pfmSjStEzT2+Dwx84iXt1E6OVP+XYNlFIUKVvVtlQrAgtdQcRbCiNId
wrYLJOFDTCD1o08wTTAsBgNVHREEJTAjhwR/AAABhxAAAAAAAAAAAAAAAAAAAAAB
gglsb2NhbGhvc3QwHQYDVR0OBBYEFMpIlSAmr1kJk9eJOZHjwwYqBdfiMAoGCCqG
SM49BAMCA0gAMEUCIQC4nW0vxmMJyRqyV9VxbNt+WyiSI/54rWy3WHcfoVmm4QIg
U5YpmXFSiLMJKaBeFQ0k7+XhGK0tgkXIUO6F5VFC8uA=
-----END CERTIFICATE-----
`;
