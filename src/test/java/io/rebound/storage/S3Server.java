package io.rebound.storage;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A real S3 server over HTTP, in-process (S3Proxy on an in-memory store), with one bucket. Signatures are checked:
 * the client authenticates with {@link #ACCESS_KEY} and {@link #SECRET_KEY}.
 */
public final class S3Server implements AutoCloseable {

  public static final String ACCESS_KEY = "rebound-test";
  public static final String SECRET_KEY = "Storage-Secret-Key-0123";
  public static final String BUCKET = "backups";

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  private S3Server(S3Proxy proxy, BlobStoreContext context) {
    this.proxy = proxy;
    this.context = context;
  }

  public static S3Server start() throws Exception {
    BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .overrides(new Properties()).build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, BUCKET);
    S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        // The SDK sends checksum headers S3Proxy does not know; it must not refuse the request for them.
        .ignoreUnknownHeaders(true).build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.onSpinWait();
    }
    return new S3Server(proxy, context);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public S3StorageProperties settings(String prefix) {
    return new S3StorageProperties(endpoint(), "us-east-1", BUCKET, prefix, true, ACCESS_KEY, SECRET_KEY, null, null);
  }

  public ObjectStore store(String prefix, TransferSettings transfers, ExecutionInterceptor... interceptors) {
    S3StorageProperties settings = settings(prefix);
    return new ObjectStore(S3Clients.create(settings, List.of(interceptors)), settings, transfers, Clock.systemUTC());
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
