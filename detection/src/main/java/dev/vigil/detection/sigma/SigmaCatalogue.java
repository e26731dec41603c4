package dev.vigil.detection.sigma;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.spi.Detector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in detectors plus the compiled Sigma rules, as one {@link DetectorCatalogue} that can be
 * swapped while the topology runs. The detect processor reads {@link #get()} for every event (one
 * volatile read); a reload compiles the rules off the stream thread and swaps the whole catalogue in
 * one step, so an event sees either the old rules or the new ones, and no Streams state is touched.
 *
 * <p>At start-up invalid rules stop the load with every error listed ({@link RuleLoadException}),
 * unless {@link SigmaConfig#lenient()}, which skips them with a warning and counts them. On a reload
 * a strict load that finds errors keeps the running rules: a typo saved in an editor must not switch
 * detection off.
 */
public final class SigmaCatalogue implements Supplier<DetectorCatalogue>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SigmaCatalogue.class);

  /** Rules in the running catalogue; Prometheus {@code vigil_sigma_rules}. */
  static final String RULES = "vigil.sigma.rules";
  /** Invalid rule files skipped by a lenient load; Prometheus {@code vigil_sigma_rules_skipped_total}. */
  static final String SKIPPED = "vigil.sigma.rules.skipped";
  /** Reloads by result {@code applied} or {@code rejected}; Prometheus {@code vigil_sigma_reloads_total}. */
  static final String RELOADS = "vigil.sigma.reloads";

  /** Quiet period after the last file event before reloading, so that a save of several files is one reload. */
  static final long DEBOUNCE_MS = 300;

  private final List<Detector> builtIns;
  private final SigmaConfig config;
  private final AtomicReference<DetectorCatalogue> current = new AtomicReference<>();
  private final Counter skipped;
  private final Counter applied;
  private final Counter rejected;
  private volatile int ruleCount;
  private volatile Thread watcher;
  private volatile WatchService watchService;

  private SigmaCatalogue(List<Detector> builtIns, SigmaConfig config, MeterRegistry registry) {
    this.builtIns = List.copyOf(builtIns);
    this.config = config;
    this.skipped = Counter.builder(SKIPPED)
        .description("Invalid Sigma rule files skipped because of --rules-lenient")
        .register(registry);
    this.applied = reloads(registry, "applied");
    this.rejected = reloads(registry, "rejected");
    Gauge.builder(RULES, this, c -> c.ruleCount)
        .description("Sigma rules in the running detector catalogue")
        .register(registry);
  }

  private static Counter reloads(MeterRegistry registry, String result) {
    return Counter.builder(RELOADS)
        .description("Reloads of the Sigma rules after a change in the rules dir, by result")
        .tag("result", result)
        .register(registry);
  }

  /**
   * Loads the rules once.
   *
   * @param builtIns the detectors that run beside the rules, usually {@code
   *     DetectorCatalogue.builtIn(config).all()}
   * @throws RuleLoadException when a rule is invalid and {@code config} is not lenient; the
   *     exception lists every error with file, line and rule id
   * @throws IllegalArgumentException when the rules dir is not a directory
   */
  public static SigmaCatalogue load(List<Detector> builtIns, SigmaConfig config, MeterRegistry registry) {
    if (config.rulesDir() != null && !Files.isDirectory(config.rulesDir())) {
      throw new IllegalArgumentException("rules dir " + config.rulesDir() + " is not a directory:"
          + " create it, or point --rules-dir at the folder that holds your Sigma rule files");
    }
    SigmaCatalogue catalogue = new SigmaCatalogue(builtIns, config, registry);
    SigmaRuleLoader.Loaded loaded = SigmaRuleLoader.load(config);
    if (!loaded.errors().isEmpty() && !config.lenient()) {
      throw new RuleLoadException(loaded.errors());
    }
    catalogue.install(loaded);
    return catalogue;
  }

  /** The catalogue to use for the next event. */
  @Override
  public DetectorCatalogue get() {
    return current.get();
  }

  /** The alert types of the Sigma rules now running. */
  public List<String> ruleAlertTypes() {
    List<String> types = new ArrayList<>();
    for (Detector detector : current.get().all()) {
      if (detector instanceof SigmaDetector) {
        types.add(detector.info().alertType());
      }
    }
    return types;
  }

  /**
   * Loads the rules again and swaps them in, unless the load is strict and finds errors.
   *
   * @return the errors found (empty when the rules were applied without any)
   */
  public synchronized List<RuleError> reload() {
    SigmaRuleLoader.Loaded loaded;
    try {
      loaded = SigmaRuleLoader.load(config);
    } catch (RuntimeException e) {
      rejected.increment();
      LOG.error("Sigma rules not reloaded, the running rules stay: {}", e.getMessage());
      return List.of(new RuleError(String.valueOf(config.rulesDir()), 0, null,
          RuleError.Kind.YAML_SYNTAX, String.valueOf(e.getMessage())));
    }
    if (!loaded.errors().isEmpty() && !config.lenient()) {
      rejected.increment();
      LOG.error("Sigma rules not reloaded, the running rules stay: {}",
          new RuleLoadException(loaded.errors()).getMessage());
      return loaded.errors();
    }
    install(loaded);
    applied.increment();
    LOG.info("Sigma rules reloaded: {} rules", loaded.rules().size());
    return loaded.errors();
  }

  private void install(SigmaRuleLoader.Loaded loaded) {
    for (RuleError error : loaded.errors()) {
      LOG.warn("skipping invalid Sigma rule (--rules-lenient): {}", error);
    }
    if (!loaded.invalidFiles().isEmpty()) {
      skipped.increment(loaded.invalidFiles().size());
    }
    List<Detector> all = new ArrayList<>(builtIns);
    for (SigmaRule rule : loaded.rules()) {
      all.add(new SigmaDetector(rule));
    }
    current.set(DetectorCatalogue.of(all));
    ruleCount = loaded.rules().size();
    LOG.info("Sigma rules loaded: {} kubernetes/audit rules, {} invalid files skipped, {} files for other log sources ignored",
        loaded.rules().size(), loaded.invalidFiles().size(), loaded.foreign());
  }

  /**
   * Starts a daemon thread that reloads the rules when a file under the rules dir is created,
   * changed or deleted. Does nothing without a rules dir.
   */
  public synchronized void startWatching() throws IOException {
    if (config.rulesDir() == null || watcher != null) {
      return;
    }
    watchService = FileSystems.getDefault().newWatchService();
    registerAll(watchService);
    Thread thread = new Thread(this::watch, "vigil-sigma-rules-watcher");
    thread.setDaemon(true);
    watcher = thread;
    thread.start();
  }

  private void registerAll(WatchService service) throws IOException {
    try (Stream<Path> dirs = Files.walk(config.rulesDir())) {
      for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
    }
  }

  private void watch() {
    WatchService service = watchService;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        WatchKey key = service.take();
        drain(key);
        // Wait until the folder is quiet, then reload once for the whole burst.
        WatchKey more;
        while ((more = service.poll(DEBOUNCE_MS, TimeUnit.MILLISECONDS)) != null) {
          drain(more);
        }
        try {
          registerAll(service);
        } catch (IOException e) {
          LOG.warn("cannot watch new folders under {}: {}", config.rulesDir(), e.getMessage());
        }
        reload();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void drain(WatchKey key) {
    key.pollEvents();
    key.reset();
  }

  /** Stops the watcher thread. */
  @Override
  public synchronized void close() {
    Thread thread = watcher;
    watcher = null;
    if (thread != null) {
      thread.interrupt();
    }
    if (watchService != null) {
      try {
        watchService.close();
      } catch (IOException e) {
        LOG.debug("closing the rules watcher", e);
      }
    }
  }
}
