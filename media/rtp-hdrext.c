/* rtp-hdrext.c — RFC 8285 header-extension reading and the RFC 8843 §9.2
 * BUNDLE demultiplexing choice (see rtp-hdrext.h). */
#include "media/rtp-hdrext.h"

#include <string.h>

#include "media/rtp-event.h"

/* The extension block of an RTP packet: its profile and its elements
 * (without the 4-byte block header). */
static gboolean
extension_block (const guint8 *data, gsize len, guint16 *profile,
    const guint8 **elems, gsize *elems_len)
{
  gsize off, words;

  if (len < 12 || (data[0] >> 6) != 2 || !(data[0] & 0x10))
    return FALSE;
  off = 12 + 4 * (gsize) (data[0] & 0x0f);
  if (off + 4 > len)
    return FALSE;
  *profile = (guint16) (data[off] << 8 | data[off + 1]);
  words = (gsize) (data[off + 2] << 8 | data[off + 3]);
  if (words * 4 > len - off - 4)
    return FALSE;
  *elems = data + off + 4;
  *elems_len = words * 4;
  return TRUE;
}

gboolean
ja_rtp_hdrext_find (const guint8 *data, gsize len, guint id,
    const guint8 **value, gsize *value_len)
{
  guint16 profile;
  const guint8 *e;
  gsize n, i = 0;

  g_return_val_if_fail (value != NULL && value_len != NULL, FALSE);

  if (id == 0 || !extension_block (data, len, &profile, &e, &n))
    return FALSE;
  if (profile == 0xBEDE) {
    /* One-byte form: ID (4 bits) | L (4 bits), L+1 bytes of data; ID 0
     * is a padding byte, ID 15 ends the block (RFC 8285 §4.2). */
    if (id > 14)
      return FALSE;
    while (i < n) {
      guint eid = e[i] >> 4;
      gsize elen = (gsize) (e[i] & 0x0f) + 1;

      if (eid == 0) {
        i++;
        continue;
      }
      if (eid == 15 || elen > n - i - 1)
        return FALSE;
      if (eid == id) {
        *value = e + i + 1;
        *value_len = elen;
        return TRUE;
      }
      i += 1 + elen;
    }
    return FALSE;
  }
  if ((profile & 0xfff0) == 0x1000) {
    /* Two-byte form: ID (8 bits), length (8 bits), data; ID 0 is a
     * padding byte (RFC 8285 §4.3). */
    if (id > 255)
      return FALSE;
    while (i < n) {
      guint eid = e[i];
      gsize elen;

      if (eid == 0) {
        i++;
        continue;
      }
      if (n - i < 2)
        return FALSE;
      elen = e[i + 1];
      if (elen > n - i - 2)
        return FALSE;
      if (eid == id) {
        *value = e + i + 2;
        *value_len = elen;
        return TRUE;
      }
      i += 2 + elen;
    }
  }
  return FALSE;
}

int
ja_rtp_demux_choose (const JaRtpDemuxEntry *entries, guint n,
    const guint8 *data, gsize len, gboolean *learn, guint32 *learn_ssrc,
    JaRtpDemuxBy *by)
{
  JaRtpHeader hdr;
  JaRtpDemuxBy unused;
  int by_pt = -1;

  if (by == NULL)
    by = &unused;
  *by = JA_RTP_DEMUX_NONE;
  *learn = FALSE;
  *learn_ssrc = 0;
  if (ja_rtp_is_rtcp (data, len) || !ja_rtp_header_parse (data, len, &hdr))
    return -1;
  /* 1. The MID the packet carries (RFC 8843 §9.2, §15). An entry's id is
   * the one negotiated for it; in a bundle they are all the same. */
  for (guint i = 0; i < n; i++) {
    const guint8 *v;
    gsize vlen;

    if (entries[i].mid_ext_id == 0
        || !ja_rtp_hdrext_find (data, len, entries[i].mid_ext_id, &v, &vlen))
      continue;
    for (guint j = 0; j < n; j++) {
      const char *mid = entries[j].mid;

      if (mid != NULL && entries[j].mid_ext_id == entries[i].mid_ext_id
          && strlen (mid) == vlen && memcmp (mid, v, vlen) == 0) {
        if (entries[j].ssrcs == NULL || !g_hash_table_contains (
                entries[j].ssrcs, GUINT_TO_POINTER (hdr.ssrc))) {
          *learn = TRUE;
          *learn_ssrc = hdr.ssrc;
        }
        *by = JA_RTP_DEMUX_BY_MID;
        return (int) j;
      }
    }
    return -1;       /* a MID that names none of ours */
  }
  /* 2. An SSRC the peer signalled (XEP-0339) or that a MID taught us. */
  for (guint i = 0; i < n; i++)
    if (entries[i].ssrcs != NULL && g_hash_table_contains (entries[i].ssrcs,
            GUINT_TO_POINTER (hdr.ssrc))) {
      *by = JA_RTP_DEMUX_BY_SSRC;
      return (int) i;
    }
  /* 3. The payload type: the first entry that takes it. */
  for (guint i = 0; i < n && by_pt < 0; i++)
    if (entries[i].pts != NULL && entries[i].pts[hdr.pt])
      by_pt = (int) i;
  if (by_pt >= 0)
    *by = JA_RTP_DEMUX_BY_PT;
  return by_pt;
}
