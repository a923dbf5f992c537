package dev.elephant.app.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {

    @Test
    void aPortFoundBindsBothTcpAndUdpOnLoopbackAsADnsServerDoes() throws Exception {
        int port = FreePort.find();
        try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertThat(tcp.getLocalPort()).isEqualTo(udp.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortIsNeverHandedOutTwiceSinceItsTakerMayNotHaveBoundItYet() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            assertThat(seen.add(FreePort.find())).isTrue();
        }
    }

    @Test
    void aPortHeldByUdpAloneIsNotFree() throws Exception {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(0))) {
            int held = udp.getLocalPort();
            assertThatThrownBy(() -> FreePort.find(held, held + 1))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("no free port between " + held);
        }
    }

    @Test
    void aPortHeldOnLoopbackIsNotFreeOnTheWildcardAddressEither() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int held = tcp.getLocalPort();
            assertThatThrownBy(() -> FreePort.find(held, held + 1)).isInstanceOf(UncheckedIOException.class);
        }
    }
}
