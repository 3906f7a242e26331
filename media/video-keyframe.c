/* video-keyframe.c — does an RTP video payload start a keyframe (see
 * video-keyframe.h)? Every read is bounds-checked: the bytes come from the
 * peer. */
#include "media/video-keyframe.h"

#define H264_NAL_IDR 5
#define H264_STAP_A 24
#define H264_FU_A 28

/* RFC 7741 §4.2: X R N S R PID | [I L T K RSV] | [M PictureID (7 or 15)]
 * | [TL0PICIDX] | [TID Y KEYIDX], then the VP8 payload whose first byte
 * has P (inverse key frame flag) in bit 0, valid only at the start of
 * partition 0 (S = 1, PID = 0). */
static gboolean
vp8_starts_keyframe (const guint8 *p, gsize len)
{
  gsize off = 1;

  if (len < 1 || (p[0] & 0x10) == 0 || (p[0] & 0x07) != 0)
    return FALSE;
  if (p[0] & 0x80) {
    guint8 x;

    if (len < 2)
      return FALSE;
    x = p[1];
    off = 2;
    if (x & 0x80) { /* I: picture id, 15 bits when M is set */
      if (len <= off)
        return FALSE;
      off += (p[off] & 0x80) ? 2 : 1;
    }
    if (x & 0x40) /* L: TL0PICIDX */
      off++;
    if (x & 0x30) /* T or K: TID/Y/KEYIDX */
      off++;
  }
  return len > off && (p[off] & 0x01) == 0;
}

static gboolean
h264_starts_keyframe (const guint8 *p, gsize len)
{
  guint8 type;

  if (len < 1)
    return FALSE;
  type = p[0] & 0x1f;
  if (type == H264_NAL_IDR)
    return TRUE;
  if (type == H264_STAP_A) {
    /* RFC 6184 §5.7.1: 16-bit size, NAL unit, repeated. */
    gsize off = 1;

    while (off + 2 < len) {
      gsize size = ((gsize)p[off] << 8) | p[off + 1];

      off += 2;
      if (size == 0 || size > len - off)
        return FALSE;
      if ((p[off] & 0x1f) == H264_NAL_IDR)
        return TRUE;
      off += size;
    }
    return FALSE;
  }
  if (type == H264_FU_A)
    /* RFC 6184 §5.8: FU header S E R Type; S marks the first fragment. */
    return len >= 2 && (p[1] & 0x80) != 0 && (p[1] & 0x1f) == H264_NAL_IDR;
  return FALSE;
}

gboolean
ja_video_payload_starts_keyframe (JaVideoCodecId codec, const guint8 *payload,
                                  gsize len)
{
  if (payload == NULL)
    return FALSE;
  switch (codec) {
  case JA_VIDEO_VP8:
    return vp8_starts_keyframe (payload, len);
  case JA_VIDEO_H264:
    return h264_starts_keyframe (payload, len);
  }
  return FALSE;
}
