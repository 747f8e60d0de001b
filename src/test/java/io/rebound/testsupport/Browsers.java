package io.rebound.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through its chromedriver, both from the system (Debian: {@code chromium},
 * {@code chromium-driver}; {@code .ci/run} installs them). Where neither is found, the browser tests are
 * skipped, saying so, rather than failed: nothing is downloaded.
 */
public final class Browsers {

  private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
  private static final List<String> DRIVERS = List.of("chromedriver");

  private Browsers() {}

  /** A fresh headless browser; skips the calling test when no browser or driver is installed. */
  public static WebDriver headless() {
    Optional<Path> browser = find(BROWSERS, "/usr/lib/chromium/chromium");
    Optional<Path> driver = find(DRIVERS, "/usr/lib/chromium/chromedriver");
    Assumptions.assumeTrue(browser.isPresent() && driver.isPresent(),
        "browser tests skipped: no chromium and chromedriver found on the PATH (Debian: apt-get install chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.get().toFile());
    // --no-sandbox: containers (and root) have no user namespaces for Chromium's sandbox.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
        "--disable-extensions", "--no-first-run", "--lang=en");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile()).usingAnyFreePort().build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
    return chrome;
  }

  /**
   * A fresh headless browser logged in as {@code user} through the console's login form at {@code /} (the webapps'
   * session, so Tasklist and Cockpit open logged in too); skips the calling test when no browser is installed.
   */
  public static WebDriver loggedIn(int port, String user, String password) {
    WebDriver browser = headless();
    browser.get("http://localhost:" + port + "/");
    WebDriverWait wait = waiting(browser, Duration.ofSeconds(60));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("login-button")).click();
    wait.until(ExpectedConditions.textToBe(By.id("user-name"), user));
    return browser;
  }

  /**
   * A bounded wait whose failure shows what the page said then. Pages that draw themselves again (the console every
   * 2 seconds) may replace an element found before it is read: the wait looks again.
   */
  public static WebDriverWait waiting(WebDriver browser, Duration timeout) {
    WebDriverWait wait = new WebDriverWait(browser, timeout);
    wait.withMessage(() -> "the page showed: " + browser.findElement(By.tagName("body")).getText());
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Brings an element to the middle of its scrolling pane (under fixed headers and footers it may not be clickable). */
  public static WebElement inView(WebDriver browser, WebElement element) {
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
    return element;
  }

  private static Optional<Path> find(List<String> names, String fallback) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.concat(names.stream().flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name))),
            Stream.of(Path.of(fallback)))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }
}
