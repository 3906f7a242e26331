/* socks5.h — the pure SOCKS5 codec (RFC 1928) for the subset XEP-0065 uses:
 * the greeting offering method 0 (no authentication), CONNECT with ATYP 3
 * (a domain name: the 40-hex-digit SHA-1 destination address) and port 0,
 * and the replies. No I/O: every parser takes the bytes received so far and
 * says OK (with how many it used), NEED_MORE or BAD. Every length is
 * bounded by the wire format (at most JA_SOCKS5_MAX_MESSAGE bytes). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JA_SOCKS5_VERSION 0x05
#define JA_SOCKS5_METHOD_NO_AUTH 0x00
#define JA_SOCKS5_METHOD_NONE 0xff
#define JA_SOCKS5_CMD_CONNECT 0x01
#define JA_SOCKS5_ATYP_IPV4 0x01
#define JA_SOCKS5_ATYP_DOMAIN 0x03
#define JA_SOCKS5_ATYP_IPV6 0x04
#define JA_SOCKS5_REP_SUCCEEDED 0x00
#define JA_SOCKS5_REP_FAILURE 0x01
#define JA_SOCKS5_REP_NOT_ALLOWED 0x02
#define JA_SOCKS5_REP_CMD_UNSUPPORTED 0x07
#define JA_SOCKS5_REP_ATYP_UNSUPPORTED 0x08

/* The largest message: 4 header bytes + 1 length + 255 name + 2 port. */
#define JA_SOCKS5_MAX_MESSAGE 262
/* The XEP-0065 destination address: SHA-1 in lowercase hex. */
#define JA_SOCKS5_DST_ADDR_LEN 40

typedef enum {
  JA_SOCKS5_OK,
  JA_SOCKS5_NEED_MORE,
  JA_SOCKS5_BAD,
} JaSocks5Result;

/* Client → server: VER 5, one method, no-auth. Returns 3 (bytes written). */
gsize ja_socks5_build_greeting (guint8 out[3]);
/* Server side: VER NMETHODS METHODS. OK when well formed; *no_auth tells
 * whether method 0 was offered. */
JaSocks5Result ja_socks5_parse_greeting (const guint8 *buf, gsize len,
    gsize *consumed, gboolean *no_auth);

/* Server → client: the chosen method (0, or 0xff for none). Returns 2. */
gsize ja_socks5_build_method (guint8 out[2], guint8 method);
/* Client side: OK only for VER 5 METHOD 0; anything else is BAD. */
JaSocks5Result ja_socks5_parse_method (const guint8 *buf, gsize len,
    gsize *consumed);

/* Client → server: CONNECT to domain host (1–255 bytes), port. Returns the
 * length written, 0 when host does not fit or out_len is too small. */
gsize ja_socks5_build_connect (const char *host, guint16 port, guint8 *out,
    gsize out_len);
/* Server side: a CONNECT request with ATYP domain. host receives the
 * NUL-terminated name (which must contain no NUL). A command other than
 * CONNECT or another address type is BAD (*rep then says which reply to
 * send before closing; may be NULL). */
JaSocks5Result ja_socks5_parse_request (const guint8 *buf, gsize len,
    gsize *consumed, char host[256], guint16 *port, guint8 *rep);

/* Server → client: reply rep with the bound domain host and port (XEP-0065
 * echoes the destination address). Returns the length, 0 if it does not
 * fit. */
gsize ja_socks5_build_reply (guint8 rep, const char *host, guint16 port,
    guint8 *out, gsize out_len);
/* Client side: a reply of any address type; *rep is its REP field (OK is
 * returned for any complete reply, the caller checks *rep). */
JaSocks5Result ja_socks5_parse_reply (const guint8 *buf, gsize len,
    gsize *consumed, guint8 *rep);

/* SHA1(sid + requester + target), lowercase hex (XEP-0065 §5.3.2; XEP-0260
 * §2.2: requester is the party that offered the candidate). (transfer full) */
char *ja_socks5_dst_addr (const char *sid, const char *requester,
    const char *target);

G_END_DECLS
