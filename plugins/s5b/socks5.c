/* socks5.c — the pure SOCKS5 codec of socks5.h (RFC 1928 §3–§6, the
 * subset XEP-0065 §5.3.2/§6.3.2 uses). */
#include "plugins/s5b/socks5.h"

#include <string.h>

gsize
ja_socks5_build_greeting (guint8 out[3])
{
  out[0] = JA_SOCKS5_VERSION;
  out[1] = 1;
  out[2] = JA_SOCKS5_METHOD_NO_AUTH;
  return 3;
}

JaSocks5Result
ja_socks5_parse_greeting (const guint8 *buf, gsize len, gsize *consumed,
    gboolean *no_auth)
{
  gsize n;

  if (len < 1)
    return JA_SOCKS5_NEED_MORE;
  if (buf[0] != JA_SOCKS5_VERSION)
    return JA_SOCKS5_BAD;
  if (len < 2)
    return JA_SOCKS5_NEED_MORE;
  n = buf[1];
  if (n == 0)
    return JA_SOCKS5_BAD;    /* RFC 1928 §3: 1 to 255 methods */
  if (len < 2 + n)
    return JA_SOCKS5_NEED_MORE;
  *no_auth = memchr (buf + 2, JA_SOCKS5_METHOD_NO_AUTH, n) != NULL;
  *consumed = 2 + n;
  return JA_SOCKS5_OK;
}

gsize
ja_socks5_build_method (guint8 out[2], guint8 method)
{
  out[0] = JA_SOCKS5_VERSION;
  out[1] = method;
  return 2;
}

JaSocks5Result
ja_socks5_parse_method (const guint8 *buf, gsize len, gsize *consumed)
{
  if (len >= 1 && buf[0] != JA_SOCKS5_VERSION)
    return JA_SOCKS5_BAD;
  if (len < 2)
    return JA_SOCKS5_NEED_MORE;
  if (buf[1] != JA_SOCKS5_METHOD_NO_AUTH)
    return JA_SOCKS5_BAD;
  *consumed = 2;
  return JA_SOCKS5_OK;
}

/* VER CMD/REP RSV ATYP=3 LEN NAME PORT. */
static gsize
build_domain_message (guint8 code, const char *host, guint16 port,
    guint8 *out, gsize out_len)
{
  gsize hlen = host != NULL ? strlen (host) : 0;

  if (hlen == 0 || hlen > 255 || out_len < 7 + hlen)
    return 0;
  out[0] = JA_SOCKS5_VERSION;
  out[1] = code;
  out[2] = 0;
  out[3] = JA_SOCKS5_ATYP_DOMAIN;
  out[4] = (guint8) hlen;
  memcpy (out + 5, host, hlen);
  out[5 + hlen] = (guint8) (port >> 8);
  out[6 + hlen] = (guint8) (port & 0xff);
  return 7 + hlen;
}

gsize
ja_socks5_build_connect (const char *host, guint16 port, guint8 *out,
    gsize out_len)
{
  return build_domain_message (JA_SOCKS5_CMD_CONNECT, host, port, out,
      out_len);
}

gsize
ja_socks5_build_reply (guint8 rep, const char *host, guint16 port,
    guint8 *out, gsize out_len)
{
  return build_domain_message (rep, host, port, out, out_len);
}

/* The length of the address part (after ATYP) for atyp at buf[4], or 0 for
 * an unknown type; *need_more when the domain length byte is missing. */
static gsize
address_len (const guint8 *buf, gsize len, gboolean *need_more)
{
  *need_more = FALSE;
  switch (buf[3]) {
    case JA_SOCKS5_ATYP_IPV4:
      return 4;
    case JA_SOCKS5_ATYP_IPV6:
      return 16;
    case JA_SOCKS5_ATYP_DOMAIN:
      if (len < 5) {
        *need_more = TRUE;
        return 0;
      }
      return buf[4] == 0 ? 0 : 1 + (gsize) buf[4];
    default:
      return 0;
  }
}

JaSocks5Result
ja_socks5_parse_request (const guint8 *buf, gsize len, gsize *consumed,
    char host[256], guint16 *port, guint8 *rep)
{
  gsize alen, hlen;
  gboolean need_more;
  guint8 dummy;

  if (rep == NULL)
    rep = &dummy;
  *rep = JA_SOCKS5_REP_FAILURE;
  if (len >= 1 && buf[0] != JA_SOCKS5_VERSION)
    return JA_SOCKS5_BAD;
  if (len < 4)
    return JA_SOCKS5_NEED_MORE;
  if (buf[1] != JA_SOCKS5_CMD_CONNECT) {
    *rep = JA_SOCKS5_REP_CMD_UNSUPPORTED;
    return JA_SOCKS5_BAD;
  }
  if (buf[3] != JA_SOCKS5_ATYP_DOMAIN) {
    *rep = JA_SOCKS5_REP_ATYP_UNSUPPORTED;
    return JA_SOCKS5_BAD;
  }
  alen = address_len (buf, len, &need_more);
  if (need_more)
    return JA_SOCKS5_NEED_MORE;
  if (alen == 0)
    return JA_SOCKS5_BAD;
  if (len < 4 + alen + 2)
    return JA_SOCKS5_NEED_MORE;
  hlen = alen - 1;
  if (memchr (buf + 5, '\0', hlen) != NULL)
    return JA_SOCKS5_BAD;
  memcpy (host, buf + 5, hlen);
  host[hlen] = '\0';
  *port = (guint16) ((buf[4 + alen] << 8) | buf[5 + alen]);
  *consumed = 4 + alen + 2;
  return JA_SOCKS5_OK;
}

JaSocks5Result
ja_socks5_parse_reply (const guint8 *buf, gsize len, gsize *consumed,
    guint8 *rep)
{
  gsize alen;
  gboolean need_more;

  if (len >= 1 && buf[0] != JA_SOCKS5_VERSION)
    return JA_SOCKS5_BAD;
  if (len < 4)
    return JA_SOCKS5_NEED_MORE;
  alen = address_len (buf, len, &need_more);
  if (need_more)
    return JA_SOCKS5_NEED_MORE;
  if (alen == 0)
    return JA_SOCKS5_BAD;
  if (len < 4 + alen + 2)
    return JA_SOCKS5_NEED_MORE;
  *rep = buf[1];
  *consumed = 4 + alen + 2;
  return JA_SOCKS5_OK;
}

char *
ja_socks5_dst_addr (const char *sid, const char *requester,
    const char *target)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);

  g_checksum_update (sum, (const guchar *) sid, -1);
  g_checksum_update (sum, (const guchar *) requester, -1);
  g_checksum_update (sum, (const guchar *) target, -1);
  return g_strdup (g_checksum_get_string (sum));
}
