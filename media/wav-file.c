/* wav-file.c — see wav-file.h. */
#include "media/wav-file.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "media/media-error.h"

struct _JaWavWriter {
  FILE *f;
  guint rate;
  guint64 data_bytes;
};

static guint32
le32 (const guint8 *p)
{
  return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16
         | (guint32)p[3] << 24;
}

static guint16
le16 (const guint8 *p)
{
  return (guint16)(p[0] | p[1] << 8);
}

/* Finds fmt and data in a RIFF/WAVE buffer; FALSE unless 16-bit PCM. */
static gboolean
parse_wav (const guint8 *buf, gsize len, guint *rate, guint *channels,
           gsize *data_off, gsize *data_len)
{
  gsize off = 12;
  gboolean have_fmt = FALSE;

  if (len < 12 || memcmp (buf, "RIFF", 4) != 0 || memcmp (buf + 8, "WAVE", 4) != 0)
    return FALSE;
  while (off + 8 <= len) {
    gsize size = le32 (buf + off + 4);
    const guint8 *body = buf + off + 8;
    gsize avail = len - off - 8;

    if (memcmp (buf + off, "fmt ", 4) == 0) {
      if (size < 16 || avail < 16 || le16 (body) != 1 || le16 (body + 14) != 16)
        return FALSE;
      *channels = le16 (body + 2);
      *rate = le32 (body + 4);
      if (*channels == 0 || *channels > 8 || *rate < 1000 || *rate > 384000)
        return FALSE;
      have_fmt = TRUE;
    } else if (memcmp (buf + off, "data", 4) == 0) {
      if (!have_fmt)
        return FALSE;
      *data_off = off + 8;
      /* Streamed files leave the size 0 or too big: take what is there. */
      *data_len = size == 0 || size > avail ? avail : size;
      return TRUE;
    }
    if (size > avail)
      return FALSE;
    off += 8 + size + (size & 1);
  }
  return FALSE;
}

static gboolean
not_pcm (const char *path, GError **error)
{
  g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
               "%s is not a 16-bit PCM WAV file", path);
  return FALSE;
}

gboolean
ja_wav_is_pcm16 (const char *path, GError **error)
{
  guint8 head[4096];
  guint rate, channels;
  gsize off, dlen, n;
  FILE *f = g_fopen (path, "rb");

  if (f == NULL) {
    int e = errno;

    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "cannot open %s: %s", path, g_strerror (e));
    return FALSE;
  }
  n = fread (head, 1, sizeof head, f);
  fclose (f);
  if (!parse_wav (head, n, &rate, &channels, &off, &dlen))
    return not_pcm (path, error);
  return TRUE;
}

gint16 *
ja_wav_read_mono (const char *path, guint rate, gsize *n_samples,
                  GError **error)
{
  g_autofree guint8 *buf = NULL;
  gsize len, off, dlen, frames, n_out;
  guint in_rate, channels;
  gint16 *out;

  if (!g_file_get_contents (path, (char **)&buf, &len, error))
    return NULL;
  if (!parse_wav (buf, len, &in_rate, &channels, &off, &dlen)) {
    not_pcm (path, error);
    return NULL;
  }
  frames = dlen / (2 * channels);
  n_out = (gsize)((guint64)frames * rate / in_rate);
  out = g_new (gint16, MAX (n_out, 1));
  for (gsize i = 0; i < n_out; i++) {
    /* Position in input frames, 32.32 fixed point. */
    guint64 pos = ((guint64)i * in_rate << 32) / rate;
    gsize j = (gsize)(pos >> 32);
    double frac = (double)(guint32)pos / 4294967296.0, a = 0, b = 0;

    for (guint c = 0; c < channels; c++) {
      const guint8 *s = buf + off + 2 * (j * channels + c);

      a += (gint16)le16 (s);
      b += j + 1 < frames ? (gint16)le16 (s + 2 * channels) : (gint16)le16 (s);
    }
    out[i] = (gint16)((a + (b - a) * frac) / channels);
  }
  *n_samples = n_out;
  return out;
}

static void
write_header (JaWavWriter *w)
{
  guint8 h[44];
  guint32 data = (guint32)MIN (w->data_bytes, G_MAXUINT32 - 36);

  memcpy (h, "RIFF", 4);
  h[4] = (data + 36) & 0xff;
  h[5] = ((data + 36) >> 8) & 0xff;
  h[6] = ((data + 36) >> 16) & 0xff;
  h[7] = ((data + 36) >> 24) & 0xff;
  memcpy (h + 8, "WAVEfmt ", 8);
  h[16] = 16, h[17] = 0, h[18] = 0, h[19] = 0; /* fmt size */
  h[20] = 1, h[21] = 0;                         /* PCM */
  h[22] = 1, h[23] = 0;                         /* mono */
  for (int i = 0; i < 4; i++) {
    h[24 + i] = (w->rate >> (8 * i)) & 0xff;     /* sample rate */
    h[28 + i] = (w->rate * 2 >> (8 * i)) & 0xff; /* byte rate */
    h[40 + i] = (data >> (8 * i)) & 0xff;        /* data size */
  }
  h[32] = 2, h[33] = 0;  /* block align */
  h[34] = 16, h[35] = 0; /* bits */
  memcpy (h + 36, "data", 4);
  fwrite (h, 1, sizeof h, w->f);
}

JaWavWriter *
ja_wav_writer_open (const char *path, guint rate, GError **error)
{
  JaWavWriter *w;
  FILE *f = g_fopen (path, "wb");

  if (f == NULL) {
    int e = errno;

    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "cannot write %s: %s", path, g_strerror (e));
    return NULL;
  }
  w = g_new0 (JaWavWriter, 1);
  w->f = f;
  w->rate = rate;
  write_header (w);
  return w;
}

void
ja_wav_writer_write (JaWavWriter *w, const gint16 *pcm, gsize n)
{
  guint8 buf[2 * 960];

  while (n > 0) {
    gsize chunk = MIN (n, G_N_ELEMENTS (buf) / 2);

    for (gsize i = 0; i < chunk; i++) {
      buf[2 * i] = (guint16)pcm[i] & 0xff;
      buf[2 * i + 1] = (guint16)pcm[i] >> 8;
    }
    w->data_bytes += fwrite (buf, 1, 2 * chunk, w->f);
    pcm += chunk;
    n -= chunk;
  }
}

void
ja_wav_writer_close (JaWavWriter *w)
{
  if (w == NULL)
    return;
  if (fseek (w->f, 0, SEEK_SET) == 0)
    write_header (w);
  fclose (w->f);
  g_free (w);
}
