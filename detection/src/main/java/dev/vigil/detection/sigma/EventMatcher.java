package dev.vigil.detection.sigma;

import dev.vigil.schemas.AuditEvent;
import java.util.List;

/** A compiled piece of a Sigma detection: a field test, a keyword search, or a boolean combination. */
interface EventMatcher {

  boolean matches(AuditEvent event);

  static EventMatcher all(List<EventMatcher> terms) {
    if (terms.size() == 1) {
      return terms.get(0);
    }
    EventMatcher[] array = terms.toArray(new EventMatcher[0]);
    return event -> {
      for (EventMatcher term : array) {
        if (!term.matches(event)) {
          return false;
        }
      }
      return true;
    };
  }

  static EventMatcher any(List<EventMatcher> terms) {
    if (terms.size() == 1) {
      return terms.get(0);
    }
    EventMatcher[] array = terms.toArray(new EventMatcher[0]);
    return event -> {
      for (EventMatcher term : array) {
        if (term.matches(event)) {
          return true;
        }
      }
      return false;
    };
  }

  static EventMatcher not(EventMatcher term) {
    return event -> !term.matches(event);
  }

  /**
   * One field item of a selection. The field's value is absent, one string, or a list of strings;
   * a test matches a list when it matches any element. The item matches when any test matches, or
   * with {@code all} when every test does; a {@code null} rule value matches an absent field.
   */
  record FieldItem(Fields.Field field, StringTest[] tests, boolean all, boolean absentMatches)
      implements EventMatcher {

    @Override
    public boolean matches(AuditEvent event) {
      Object value = field.read(event);
      if (value == null || (value instanceof List<?> list && list.isEmpty())) {
        return absentMatches;
      }
      if (all) {
        for (StringTest test : tests) {
          if (!test(test, value)) {
            return false;
          }
        }
        return tests.length > 0;
      }
      for (StringTest test : tests) {
        if (test(test, value)) {
          return true;
        }
      }
      return false;
    }

    static boolean test(StringTest test, Object value) {
      if (value instanceof String text) {
        return test.test(text);
      }
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        if (element != null && test.test(element.toString())) {
          return true;
        }
      }
      return false;
    }
  }

  /** {@code field|exists: true|false}: whether the field has a value (a list: at least one). */
  record Exists(Fields.Field field, boolean expected) implements EventMatcher {
    @Override
    public boolean matches(AuditEvent event) {
      Object value = field.read(event);
      boolean present = value != null && !(value instanceof List<?> list && list.isEmpty());
      return present == expected;
    }
  }

  /**
   * A keyword list: any keyword found (case-insensitive substring, wildcards allowed) in any of the
   * keyword fields.
   */
  record Keywords(List<Fields.Field> fields, StringTest[] tests) implements EventMatcher {
    @Override
    public boolean matches(AuditEvent event) {
      for (Fields.Field field : fields) {
        Object value = field.read(event);
        if (value == null) {
          continue;
        }
        for (StringTest test : tests) {
          if (FieldItem.test(test, value)) {
            return true;
          }
        }
      }
      return false;
    }
  }
}
