package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {

  @Test
  void rendersAtMostOncePerMaximumAge() {
    AtomicInteger renders = new AtomicInteger();
    AtomicLong clock = new AtomicLong();
    MetricsScrape scrape = new MetricsScrape(() -> "render " + renders.incrementAndGet(), 1_000, clock::get);

    assertThat(scrape.text()).isEqualTo("render 1");
    clock.addAndGet(999_000_000L);
    assertThat(scrape.text()).isEqualTo("render 1");
    clock.addAndGet(1_000_000L);
    assertThat(scrape.text()).isEqualTo("render 2");
    assertThat(renders).hasValue(2);
  }
}
