/* fuzz-socks5.c — libFuzzer target for the SOCKS5 codec
 * (plugins/s5b/socks5.c): the input goes, at every prefix length, through
 * each parser (greeting, method, request, reply). OK must consume no more
 * than was given; a request that parses must build back to the same
 * bytes. No input may reach g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "plugins/s5b/socks5.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_request (const uint8_t *data, size_t len)
{
  char host[256];
  guint16 port = 0;
  guint8 rep;
  gsize used = 0;
  guint8 again[JA_SOCKS5_MAX_MESSAGE];
  gsize n;

  if (ja_socks5_parse_request (data, len, &used, host, &port, &rep)
      != JA_SOCKS5_OK)
    return;
  g_assert (used <= len && used <= JA_SOCKS5_MAX_MESSAGE);
  n = ja_socks5_build_connect (host, port, again, sizeof again);
  g_assert (n == used);
  g_assert (memcmp (again, data, 2) == 0 && memcmp (again + 3, data + 3,
          n - 3) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gsize len = MIN (size, (gsize) JA_SOCKS5_MAX_MESSAGE + 8);

  for (gsize i = 0; i <= len; i++) {
    gsize used = 0;
    gboolean no_auth;
    guint8 rep;

    if (ja_socks5_parse_greeting (data, i, &used, &no_auth) == JA_SOCKS5_OK)
      g_assert (used <= i);
    if (ja_socks5_parse_method (data, i, &used) == JA_SOCKS5_OK)
      g_assert (used == 2 && i >= 2);
    if (ja_socks5_parse_reply (data, i, &used, &rep) == JA_SOCKS5_OK)
      g_assert (used <= i);
    check_request (data, i);
  }
  return 0;
}
