/* test-socks5.c — the pure SOCKS5 codec (plugins/s5b/socks5.c): the
 * XEP-0065 / XEP-0260 destination address vectors, each message built and
 * parsed back, every truncation NEED_MORE and malformed input BAD. */
#include <string.h>

#include "plugins/s5b/socks5.h"

static void
test_dst_addr (void)
{
  /* XEP-0260 §2.2 examples (initiator's and responder's dstaddr). */
  g_autofree char *a = ja_socks5_dst_addr ("vj3hs98y",
      "romeo@montague.lit/orchard", "juliet@capulet.lit/balcony");
  g_autofree char *b = ja_socks5_dst_addr ("vj3hs98y",
      "juliet@capulet.lit/balcony", "romeo@montague.lit/orchard");

  g_assert_cmpstr (a, ==, "972b7bf47291ca609517f67f86b5081086052dad");
  g_assert_cmpstr (b, ==, "1a12fb7bc625e55f3ed5b29a53dbe0e4aa7d80ba");
  g_assert_cmpuint (strlen (a), ==, JA_SOCKS5_DST_ADDR_LEN);
}

static void
test_greeting (void)
{
  guint8 buf[8];
  gsize n = ja_socks5_build_greeting (buf), used = 0;
  gboolean no_auth = FALSE;
  const guint8 other[] = { 5, 2, 1, 2 };
  const guint8 zero[] = { 5, 0 };
  const guint8 v4[] = { 4, 1, 0 };

  g_assert_cmpuint (n, ==, 3);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpint (ja_socks5_parse_greeting (buf, i, &used, &no_auth), ==,
        JA_SOCKS5_NEED_MORE);
  g_assert_cmpint (ja_socks5_parse_greeting (buf, n, &used, &no_auth), ==,
      JA_SOCKS5_OK);
  g_assert_cmpuint (used, ==, 3);
  g_assert_true (no_auth);
  g_assert_cmpint (ja_socks5_parse_greeting (other, 4, &used, &no_auth), ==,
      JA_SOCKS5_OK);
  g_assert_false (no_auth);
  g_assert_cmpint (ja_socks5_parse_greeting (zero, 2, &used, &no_auth), ==,
      JA_SOCKS5_BAD);
  g_assert_cmpint (ja_socks5_parse_greeting (v4, 3, &used, &no_auth), ==,
      JA_SOCKS5_BAD);
}

static void
test_method (void)
{
  guint8 buf[2];
  gsize used = 0;

  ja_socks5_build_method (buf, JA_SOCKS5_METHOD_NO_AUTH);
  g_assert_cmpint (ja_socks5_parse_method (buf, 0, &used), ==,
      JA_SOCKS5_NEED_MORE);
  g_assert_cmpint (ja_socks5_parse_method (buf, 1, &used), ==,
      JA_SOCKS5_NEED_MORE);
  g_assert_cmpint (ja_socks5_parse_method (buf, 2, &used), ==, JA_SOCKS5_OK);
  g_assert_cmpuint (used, ==, 2);
  ja_socks5_build_method (buf, JA_SOCKS5_METHOD_NONE);
  g_assert_cmpint (ja_socks5_parse_method (buf, 2, &used), ==, JA_SOCKS5_BAD);
}

static void
test_connect (void)
{
  const char *dst = "972b7bf47291ca609517f67f86b5081086052dad";
  guint8 buf[JA_SOCKS5_MAX_MESSAGE];
  char host[256];
  guint16 port = 1;
  guint8 rep;
  gsize n = ja_socks5_build_connect (dst, 0, buf, sizeof buf), used = 0;
  g_autofree char *longname = g_strnfill (256, 'a');

  g_assert_cmpuint (n, ==, 7 + 40);
  g_assert_cmpuint (buf[3], ==, JA_SOCKS5_ATYP_DOMAIN);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpint (ja_socks5_parse_request (buf, i, &used, host, &port,
            &rep), ==, JA_SOCKS5_NEED_MORE);
  g_assert_cmpint (ja_socks5_parse_request (buf, n, &used, host, &port, &rep),
      ==, JA_SOCKS5_OK);
  g_assert_cmpuint (used, ==, n);
  g_assert_cmpstr (host, ==, dst);
  g_assert_cmpuint (port, ==, 0);
  /* Limits: 255 fits, 256 and too small buffers do not. */
  g_assert_cmpuint (ja_socks5_build_connect (longname, 0, buf, sizeof buf),
      ==, 0);
  longname[255] = '\0';
  g_assert_cmpuint (ja_socks5_build_connect (longname, 7, buf, sizeof buf),
      ==, JA_SOCKS5_MAX_MESSAGE);
  g_assert_cmpint (ja_socks5_parse_request (buf, JA_SOCKS5_MAX_MESSAGE, &used,
          host, &port, &rep), ==, JA_SOCKS5_OK);
  g_assert_cmpuint (port, ==, 7);
  g_assert_cmpuint (strlen (host), ==, 255);
  g_assert_cmpuint (ja_socks5_build_connect (dst, 0, buf, 10), ==, 0);
  g_assert_cmpuint (ja_socks5_build_connect ("", 0, buf, sizeof buf), ==, 0);
}

static void
test_request_bad (void)
{
  const guint8 bind[] = { 5, 2, 0, 3, 1, 'a', 0, 0 };
  const guint8 ipv4[] = { 5, 1, 0, 1, 127, 0, 0, 1, 0, 0 };
  const guint8 empty[] = { 5, 1, 0, 3, 0, 0, 0 };
  const guint8 nul[] = { 5, 1, 0, 3, 2, 'a', 0, 0, 0 };
  const guint8 ver[] = { 4 };
  char host[256];
  guint16 port;
  guint8 rep = 0;
  gsize used;

  g_assert_cmpint (ja_socks5_parse_request (bind, sizeof bind, &used, host,
          &port, &rep), ==, JA_SOCKS5_BAD);
  g_assert_cmpuint (rep, ==, JA_SOCKS5_REP_CMD_UNSUPPORTED);
  g_assert_cmpint (ja_socks5_parse_request (ipv4, sizeof ipv4, &used, host,
          &port, &rep), ==, JA_SOCKS5_BAD);
  g_assert_cmpuint (rep, ==, JA_SOCKS5_REP_ATYP_UNSUPPORTED);
  g_assert_cmpint (ja_socks5_parse_request (empty, sizeof empty, &used, host,
          &port, NULL), ==, JA_SOCKS5_BAD);
  g_assert_cmpint (ja_socks5_parse_request (nul, sizeof nul, &used, host,
          &port, NULL), ==, JA_SOCKS5_BAD);
  g_assert_cmpint (ja_socks5_parse_request (ver, 1, &used, host, &port, NULL),
      ==, JA_SOCKS5_BAD);
}

static void
test_reply (void)
{
  guint8 buf[JA_SOCKS5_MAX_MESSAGE];
  const guint8 v4[] = { 5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90 };
  const guint8 v6[22] = { 5, 2, 0, 4 };
  const guint8 unknown[] = { 5, 0, 0, 9, 0, 0 };
  gsize n = ja_socks5_build_reply (JA_SOCKS5_REP_SUCCEEDED, "abc", 0, buf,
      sizeof buf), used = 0;
  guint8 rep = 0xff;

  g_assert_cmpuint (n, ==, 10);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpint (ja_socks5_parse_reply (buf, i, &used, &rep), ==,
        JA_SOCKS5_NEED_MORE);
  g_assert_cmpint (ja_socks5_parse_reply (buf, n, &used, &rep), ==,
      JA_SOCKS5_OK);
  g_assert_cmpuint (rep, ==, 0);
  g_assert_cmpint (ja_socks5_parse_reply (v4, sizeof v4, &used, &rep), ==,
      JA_SOCKS5_OK);
  g_assert_cmpuint (used, ==, 10);
  g_assert_cmpint (ja_socks5_parse_reply (v6, 21, &used, &rep), ==,
      JA_SOCKS5_NEED_MORE);
  g_assert_cmpint (ja_socks5_parse_reply (v6, 22, &used, &rep), ==,
      JA_SOCKS5_OK);
  g_assert_cmpuint (rep, ==, 2);
  g_assert_cmpint (ja_socks5_parse_reply (unknown, sizeof unknown, &used,
          &rep), ==, JA_SOCKS5_BAD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/s5b/socks5/dst-addr", test_dst_addr);
  g_test_add_func ("/s5b/socks5/greeting", test_greeting);
  g_test_add_func ("/s5b/socks5/method", test_method);
  g_test_add_func ("/s5b/socks5/connect", test_connect);
  g_test_add_func ("/s5b/socks5/request-bad", test_request_bad);
  g_test_add_func ("/s5b/socks5/reply", test_reply);
  return g_test_run ();
}
