/* bench-base64.c — the CPU ceiling of IBB (XEP-0047): base64 encode and
 * decode of a file with GLib's streaming coder, in blocks of the IBB block
 * size, as the sender and the receiver do. Prints one line:
 *
 *   base64 BYTES bytes block BLOCK: encode E s, decode D s, E+D MB/s
 *
 * usage: bench-base64 FILE [BLOCK_SIZE]   (run by bench/ibb/run.sh) */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

int
main (int argc, char **argv)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len, block, nblocks, enc_cap;
  guchar *enc, *dec;
  gsize *enc_len;
  gint64 t0, t1, t2;
  gsize total_dec = 0;

  if (argc < 2) {
    g_printerr ("usage: %s FILE [BLOCK_SIZE]\n", argv[0]);
    return 2;
  }
  if (!g_file_get_contents (argv[1], &data, &len, &error)) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  block = argc > 2 ? strtoul (argv[2], NULL, 10) : 16384;
  if (block == 0 || len == 0) {
    g_printerr ("empty file or block size 0\n");
    return 2;
  }
  nblocks = (len + block - 1) / block;
  enc_cap = (block / 3 + 1) * 4 + 4;
  enc = g_malloc (nblocks * enc_cap);
  enc_len = g_new (gsize, nblocks);
  dec = g_malloc (block + 3);

  t0 = g_get_monotonic_time ();
  for (gsize i = 0; i < nblocks; i++) {
    gsize n = MIN (block, len - i * block);
    gint state = 0, save = 0;
    guchar *out = enc + i * enc_cap;
    gsize o = g_base64_encode_step ((const guchar *) data + i * block, n,
        FALSE, (char *) out, &state, &save);

    o += g_base64_encode_close (FALSE, (char *) out + o, &state, &save);
    enc_len[i] = o;
  }
  t1 = g_get_monotonic_time ();
  for (gsize i = 0; i < nblocks; i++) {
    gint state = 0;
    guint save = 0;
    gsize n = g_base64_decode_step ((const char *) enc + i * enc_cap,
        enc_len[i], dec, &state, &save);

    if (memcmp (dec, data + i * block, n) != 0) {
      g_printerr ("block %zu does not decode back\n", i);
      return 1;
    }
    total_dec += n;
  }
  t2 = g_get_monotonic_time ();
  if (total_dec != len) {
    g_printerr ("decoded %zu of %zu bytes\n", total_dec, len);
    return 1;
  }
  g_print ("base64 %zu bytes block %zu: encode %.3f s, decode %.3f s, "
      "%.1f MB/s\n", len, block, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
      len / (double) (t2 - t0));
  g_free (enc);
  g_free (enc_len);
  g_free (dec);
  return 0;
}
