// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Turns a picture into the raw I420 frame a camera streams: the picture scaled to fit and centred on a grey
 * background, its luminance in the Y plane, neutral chroma.
 */
public final class CameraReplay {
    private CameraReplay() {
    }

    public static byte[] toI420(BufferedImage picture, int width, int height) {
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(128, 128, 128));
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            double scale = Math.min(1.0, Math.min(width / (double) picture.getWidth(), height / (double) picture.getHeight()));
            int drawnWidth = (int) Math.round(picture.getWidth() * scale);
            int drawnHeight = (int) Math.round(picture.getHeight() * scale);
            g.drawImage(picture, (width - drawnWidth) / 2, (height - drawnHeight) / 2, drawnWidth, drawnHeight, null);
        } finally {
            g.dispose();
        }
        byte[] frame = new byte[width * height * 3 / 2];
        int[] rgb = canvas.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < rgb.length; i++) {
            int r = rgb[i] >> 16 & 0xff;
            int gr = rgb[i] >> 8 & 0xff;
            int b = rgb[i] & 0xff;
            frame[i] = (byte) ((299 * r + 587 * gr + 114 * b) / 1000);
        }
        Arrays.fill(frame, width * height, frame.length, (byte) 128);
        return frame;
    }

    /** A frame with nothing in view, as between two customers. */
    public static byte[] empty(int width, int height) {
        byte[] frame = new byte[width * height * 3 / 2];
        Arrays.fill(frame, (byte) 128);
        return frame;
    }
}
