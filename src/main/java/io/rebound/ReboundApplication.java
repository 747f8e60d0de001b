package io.rebound;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ReboundApplication {

  public static void main(String[] args) {
    SpringApplication.run(ReboundApplication.class, args);
  }
}
